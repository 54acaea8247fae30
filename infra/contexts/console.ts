/**
 * The console in AWS, on one CloudFront distribution:
 *
 * 1. its static files (console/build.ts, built at synthesis) in a private bucket that only the distribution
 *    reads, through Origin Access Control;
 * 2. the HTTP API behind the same distribution at `/v1/*`, uncached: the console calls its own origin, so no CORS
 *    and no token sent across sites;
 * 3. the local runtime's security headers (console/security-headers.ts), plus HSTS, frame denial, and the Cognito
 *    domain as the one other origin the page may fetch from;
 * 4. Cognito's hosted sign-in for the tenants' pool: a prefix domain and a public app client (authorization code +
 *    PKCE, no secret) whose callback is the distribution; `config.json` beside the app tells it the domain, client
 *    and callback (console/src/session.ts `cognitoSettings`).
 *
 * Everything here is rebuilt from the sources on each deployment, so it lives in the stateless stack.
 */
import { join } from 'node:path';
import { AssetHashType, Aws, DefaultStackSynthesizer, DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { ClientAttributes, OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, UserPoolDomain, type IUserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsoleSync } from '../../console/build.js';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { PROJECT_ROOT } from '../house-function.js';

export interface ConsoleHostingProps {
  /** The API the console calls, served by the same distribution at `/v1/*`. */
  httpApi: IHttpApi;
  /** The tenants' pool: console users sign in to it on its hosted UI. */
  userPool: IUserPool;
}

export class ConsoleHosting extends Construct {
  /** The built files: private, read by the distribution only. */
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** The pool's Cognito prefix domain, where the hosted UI and the token endpoint are. */
  readonly signInDomain: UserPoolDomain;
  /** The console's own app client of the tenants' pool: code + PKCE from the browser, no secret. */
  readonly client: UserPoolClient;
  /** `https://<distribution domain>/`: where the console opens, and where the hosted UI sends people back. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      // only built files, which every deployment writes again; the upload below empties it when the stack goes
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the built console, which the distribution alone reads (OAC) and only the deployment writes: object access logs would list CloudFront fetching the same few files. CloudTrail data events can be enabled per deployment.',
    });

    // Prefix domains are global per region: the stack's own id (the last group of its UUID, lower-case hex, so never
    // a reserved word) keeps the name unique and stable for the stack's life, without the account id in a public URL
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    this.signInDomain = new UserPoolDomain(this, 'SignInDomain', {
      userPool: props.userPool,
      cognitoDomain: { domainPrefix: Fn.join('-', ['social-crm', Fn.select(4, Fn.split('-', stackUuid))]) },
    });
    const cognitoOrigin = this.signInDomain.baseUrl();

    this.distribution = this.createDistribution(props.httpApi, cognitoOrigin);
    this.url = `https://${this.distribution.distributionDomainName}/`;
    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.userPool,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // the console keeps the ID token only (sessionStorage) and signs in again when it expires
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(1),
      // the same claims as the API's app client: the ID token carries custom:tenantId, which nobody may write
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('tenantId'),
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.upload(cognitoOrigin);
  }

  private createDistribution(httpApi: IHttpApi, cognitoOrigin: string): Distribution {
    // CloudFront names are per account, not per region: the region keeps a second deployment of the account apart
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `social-crm-console-${Aws.REGION}`,
      comment: 'Social CRM console: the local runtime headers, HSTS and frame denial',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy([cognitoOrigin]), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    // https://{apiId}.execute-api.{region}.{suffix} → its host; the $default stage serves /v1/... as requested
    const apiDomain = Fn.select(2, Fn.split('/', httpApi.apiEndpoint));
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Social CRM console, with its API at /v1/*',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new S3OriginAccessControl(this, 'FilesAccess', { originAccessControlName: `social-crm-console-${Aws.REGION}` }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiDomain),
          // a redirect would drop a POST's body: plain HTTP is refused instead
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // every answer is per caller: nothing cached; the Authorization header, query and body pass through
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    Validations.of(distribution.node.defaultChild!).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: "Brands and their agencies work from anywhere; the API behind /v1 checks every caller's token. A deployment bound to countries adds a geo restriction.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          "A CloudFront web ACL must be created in us-east-1, and this stack is region-agnostic; the API behind /v1 throttles per stage and checks every token. Attach a web ACL per deployment if policy demands.",
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Standard logs would keep every viewer's IP address, user agent and query string (the /v1 customer searches by name, e-mail or phone) outside the erasure flow; the API's own access log records route, status and latency, deliberately without them.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Served on the default *.cloudfront.net certificate (no domain is assumed), whose policy CloudFront fixes; a deployment with its own domain adds an ACM certificate and TLSv1.2_2021.',
      },
    );
    return distribution;
  }

  /** The built console and its config.json into the bucket, then an invalidation (the file names carry no hash). */
  private upload(cognitoOrigin: string): void {
    new BucketDeployment(this, 'Upload', {
      destinationBucket: this.bucket,
      sources: [
        // built with the project's esbuild (no Docker); tests that skip bundling stage console/src unbuilt instead
        Source.asset(join(PROJECT_ROOT, 'console', 'src'), {
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            local: { tryBundle: (outputDir) => (buildConsoleSync(outputDir), true) },
            // required by the type, never used: the local build above answers or throws
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
          },
        }),
        Source.jsonData('config.json', { cognito: { domain: cognitoOrigin, clientId: this.client.userPoolClientId, redirectUri: this.url } }),
      ],
      // browsers check back every time (a 304 from the edge), the edge keeps a day: the invalidation refreshes it
      cacheControl: [CacheControl.maxAge(Duration.seconds(0)), CacheControl.sMaxAge(Duration.days(1))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // removes the files when the stack goes, so the bucket can go too
      retainOnDelete: false,
      memoryLimit: 256,
      logGroup: new LogGroup(this, 'UploadLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    acknowledgeUploadHandler(Stack.of(this), this.bucket);
  }
}

/**
 * BucketDeployment's handler: one function per stack, which CDK builds, grants and owns. What cdk-nag finds in it
 * (each wildcard by name, as the project acknowledges them) and why it stays.
 */
function acknowledgeUploadHandler(stack: Stack, files: Bucket): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error(`${stack.node.path}: no BucketDeployment handler to acknowledge`);
  const assets = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>/*`;
  const filesObjects = `<${stack.getLogicalId(files.node.defaultChild as CfnElement)}.Arn>/*`;
  const copying = 'it reads the uploaded asset from the CDK asset bucket and syncs it into the console bucket (adds, replaces and prunes objects), with the grants CDK gives it';
  Validations.of(handler).acknowledge(
    { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: "CDK's BucketDeployment handler writes its own logs through the basic execution role, as CDK builds it." },
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: `CDK's BucketDeployment handler: ${copying}.` })),
    { id: `AwsSolutions-IAM5[Resource::${assets}]`, reason: `CDK's BucketDeployment handler: ${copying}; asset keys are content hashes.` },
    { id: `AwsSolutions-IAM5[Resource::${filesObjects}]`, reason: `CDK's BucketDeployment handler: ${copying}; every object of the console bucket is its to replace.` },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: "CDK's BucketDeployment handler invalidates the distribution after the upload; CDK grants cloudfront:CreateInvalidation and GetInvalidation on \"*\"." },
    { id: 'AwsSolutions-L1', reason: "CDK's BucketDeployment handler: its runtime (Python, with the AWS CLI layer) is CDK's and moves with aws-cdk-lib upgrades." },
    { id: 'Serverless-LambdaLatestVersion', reason: "CDK's BucketDeployment handler: its runtime is CDK's and moves with aws-cdk-lib upgrades." },
    { id: 'Serverless-LambdaDLQ', reason: 'A CloudFormation custom resource, invoked synchronously: a failed upload fails the deployment, which reports it.' },
    { id: 'Serverless-LambdaTracing', reason: 'Runs only during deployments, to copy a few files: X-Ray would trace S3 copies.' },
  );
}
