/**
 * The console in AWS: its static files in a private S3 bucket that only CloudFront reads (Origin Access
 * Control), the HTTP API behind the same distribution at `/v1/*` (same origin: no CORS, no token in a
 * cross-site request), the security headers of the local runtime, and the Cognito hosted sign-in: a public app
 * client (authorization code + PKCE, no secret) whose callback is the distribution, and `config.json` beside the
 * app telling it the domain, client and callback (console/src/session.ts reads it).
 *
 * The files are built at synthesis with the project's esbuild (console/build.ts), as CDK bundles an asset
 * locally; tests that skip bundling get the sources folder staged instead.
 */
import { join } from 'node:path';
import { Aws, CfnOutput, DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, UserPoolDomain, ClientAttributes, type UserPool } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { buildConsoleSync } from '../../console/build.js';
import { PROJECT_ROOT } from '../house-function.js';
import { OUTPUTS } from '../config.js';

export interface ConsoleHostingProps {
  httpApi: HttpApi;
  userPool: UserPool;
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly client: UserPoolClient;
  readonly signInDomain: UserPoolDomain;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // built files only: a new deployment writes them again
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only the built console files, read by CloudFront alone (OAC); who asked for them is what the distribution would log, and the API logs every call behind it.',
    });

    // the Cognito prefix domain is global: the account id keeps it unique per deployment
    this.signInDomain = new UserPoolDomain(this, 'SignIn', {
      userPool: props.userPool,
      cognitoDomain: { domainPrefix: Fn.join('-', ['social-crm', Aws.ACCOUNT_ID]) },
    });
    const cognitoOrigin = `https://${this.signInDomain.domainName}.auth.${Aws.REGION}.amazoncognito.com`;

    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Social CRM console: the same security headers as the local runtime',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy([cognitoOrigin]), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    // the API's own domain (execute-api), reached over HTTPS only; its $default stage serves /v1/* as is
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Social CRM console and its API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // every answer is per caller: nothing cached, the Authorization header and the query passed through
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}/`;
    Validations.of(this.distribution.node.defaultChild!).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Brands and their agencies work from anywhere; a deployment that must restrict countries adds a geo restriction.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'WAF is billed per web ACL and rule; the API behind /v1 already throttles per stage and checks every token. Attach a web ACL per deployment if policy demands.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'Standard logs need a log bucket with ACLs enabled; the API behind /v1 writes its own access log, and the static files hold nothing personal.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: "The default *.cloudfront.net certificate's security policy is fixed by CloudFront; a deployment with its own domain sets a certificate and minimumProtocolVersion TLSv1.2_2021.",
      },
    );

    // hosted sign-in: authorization code + PKCE from the browser, so no secret; the same claims as the API client
    this.client = new UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      generateSecret: false,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('tenantId'),
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    const bundling = {
      // never pulled: the local build below always answers (no Docker on these machines)
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          buildConsoleSync(outputDir);
          return true;
        },
      },
    };
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(join(PROJECT_ROOT, 'console', 'src'), { bundling }),
        Source.jsonData('config.json', { cognito: { domain: cognitoOrigin, clientId: this.client.userPoolClientId, redirectUri: this.url } }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json', '/app.js', '/app.css'],
      memoryLimit: 256,
    });
    acknowledgeDeploymentHelper(stack, this.bucket);

    new CfnOutput(stack, OUTPUTS.consoleUrl, { value: this.url, description: 'The console (sign in with the Cognito hosted UI)' });
    new CfnOutput(stack, OUTPUTS.consoleClientId, { value: this.client.userPoolClientId, description: 'The console app client (code + PKCE)' });
  }
}

/** BucketDeployment's own helper function (one per stack, made by CDK): what cdk-nag finds in it and why it stays. */
function acknowledgeDeploymentHelper(stack: Stack, bucket: Bucket): void {
  const copy =
    "CDK's BucketDeployment helper copies the built console from the CDK asset bucket into the console bucket (object and bucket-read wildcards on those two buckets, as CDK grants them) and invalidates the distribution's changed paths (cloudfront:CreateInvalidation takes no narrower resource).";
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    const role = child.node.findChild('ServiceRole');
    Validations.of(role.node.findChild('Resource')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "CDK's BucketDeployment helper runs with AWSLambdaBasicExecutionRole (its log writes), as CDK builds it.",
    });
    const wildcards = [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? 'hnb659fds'}-assets-<AWS::AccountId>-<AWS::Region>/*`,
      `Resource::<${stack.getLogicalId(bucket.node.defaultChild as never)}.Arn>/*`,
      'Resource::*',
    ];
    Validations.of(role.node.findChild('DefaultPolicy').node.findChild('Resource')).acknowledge(
      ...wildcards.map((w) => ({ id: `AwsSolutions-IAM5[${w}]`, reason: copy })),
    );
    Validations.of(child.node.findChild('Resource')).acknowledge(
      { id: 'AwsSolutions-L1', reason: "CDK's BucketDeployment helper: its Python runtime is CDK's choice and moves with aws-cdk-lib upgrades." },
      { id: 'Serverless-LambdaLatestVersion', reason: "CDK's BucketDeployment helper: its runtime is CDK's choice and moves with aws-cdk-lib upgrades." },
      { id: 'Serverless-LambdaDLQ', reason: 'A CloudFormation custom resource: a failed copy fails the deployment, which reports it; nothing is retried asynchronously.' },
      { id: 'Serverless-LambdaTracing', reason: 'Runs only while a deployment copies the console files; there is no request of the product to trace.' },
    );
  }
}
