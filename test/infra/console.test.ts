/**
 * The console in AWS (infra/contexts/console.ts): a private bucket read only through the distribution's Origin
 * Access Control, the API behind the same distribution at /v1/* uncached, the security headers, and the hosted
 * sign-in client whose callback is the distribution and whose tokens the API takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { OUTPUTS } from '../../infra/config.js';
import { synthesize, type Json, type Resource, type Synthesized } from './synth.js';

let s: Synthesized;
let template: Template;
beforeAll(() => {
  s = synthesize();
  template = Template.fromStack(s.built.stateless);
});

const only = (type: string): Resource => {
  const found = s.stateless.resources(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const bucket = () => only('AWS::S3::Bucket');
const distribution = () => only('AWS::CloudFront::Distribution');
const config = () => distribution().Properties.DistributionConfig as Json;
const origins = () => config().Origins as Json[];
const clientId = () => s.built.stateless.getLogicalId(s.built.stateless.consoleHosting.client.node.defaultChild as never);
/** `https://<distribution domain>/`, as the template writes it. */
const distributionUrl = () => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution().id, 'DomainName'] }, '/']] });

describe('files bucket', () => {
  it('blocks every kind of public access, encrypts, and is emptied and deleted with the stack', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketName: { Ref: bucket().id }, RetainOnDelete: false });
  });

  it('denies every request without TLS, and lets only this distribution read objects', () => {
    const [policy] = s.stateless.resources('AWS::S3::BucketPolicy').filter((p) => (p.Properties.Bucket as Json).Ref === bucket().id);
    const statements = (policy!.Properties.PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(JSON.stringify(allows[0]!.Condition)).toContain(`{"Ref":"${distribution().id}"}`);
  });
});

describe('distribution', () => {
  it('reads the bucket through an Origin Access Control that signs every request, with no legacy identity', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const oac = only('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const s3Origins = origins().filter((o) => JSON.stringify(o.DomainName) === JSON.stringify({ 'Fn::GetAtt': [bucket().id, 'RegionalDomainName'] }));
    expect(s3Origins).toHaveLength(1);
    expect(s3Origins[0]).toMatchObject({ OriginAccessControlId: { 'Fn::GetAtt': [oac.id, 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('serves index.html at the root, from the bucket, redirecting HTTP to HTTPS', () => {
    const s3Origin = origins().find((o) => o.S3OriginConfig)!;
    expect(config().DefaultRootObject).toBe('index.html');
    expect(config().DefaultCacheBehavior).toMatchObject({ TargetOriginId: s3Origin.Id, ViewerProtocolPolicy: 'redirect-to-https' });
  });

  it('sends /v1/* to the HTTP API’s own domain over HTTPS: any method, nothing cached, every viewer header but Host', () => {
    const behaviours = config().CacheBehaviors as Json[];
    expect(behaviours.map((b) => b.PathPattern)).toEqual(['/v1/*']);
    const api = behaviours[0]!;
    expect(api).toMatchObject({
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      ViewerProtocolPolicy: 'https-only',
    });
    expect([...(api.AllowedMethods as string[])].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    const origin = origins().find((o) => o.Id === api.TargetOriginId)!;
    const [httpApi] = s.stateless.resources('AWS::ApiGatewayV2::Api');
    // https://{apiId}.execute-api.{region}.{suffix} → its third '/'-separated part, the host
    expect(origin.DomainName).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [httpApi!.id, 'ApiEndpoint'] }] }] });
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('answers with the security headers: the local CSP plus the Cognito domain, HSTS, frames denied, nosniff', () => {
    const policyIds = [config().DefaultCacheBehavior as Json, ...(config().CacheBehaviors as Json[])].map((b) => b.ResponseHeadersPolicyId);
    const policy = only('AWS::CloudFront::ResponseHeadersPolicy');
    for (const id of policyIds) expect(id).toEqual({ Ref: policy.id });
    const headers = (policy.Properties.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig as Json;
    expect(headers).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
    });
    const domain = only('AWS::Cognito::UserPoolDomain');
    const csp = (headers.ContentSecurityPolicy as Json).ContentSecurityPolicy as { 'Fn::Join': [string, unknown[]] };
    const written = csp['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : `<${(part as Json).Ref as string}>`)).join('');
    expect(written).toBe(consoleContentSecurityPolicy([`https://<${domain.id}>.auth.<AWS::Region>.amazoncognito.com`]));
  });
});

describe('hosted sign-in', () => {
  it('puts a Cognito prefix domain on the tenants’ pool', () => {
    const domain = only('AWS::Cognito::UserPoolDomain');
    expect(s.producer(domain.Properties.UserPoolId)?.resource.id).toMatch(/^UserPool[0-9A-F]{8}$/);
    expect(JSON.stringify(domain.Properties.Domain)).toContain('"social-crm"');
  });

  it('gives the console a public client of the tenants’ pool: code grant only, no secret, called back on the distribution', () => {
    const client = s.stateless.resource(clientId());
    expect(client.Type).toBe('AWS::Cognito::UserPoolClient');
    expect(s.producer(client.Properties.UserPoolId)?.resource.id).toMatch(/^UserPool[0-9A-F]{8}$/);
    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      CallbackURLs: [distributionUrl()],
      LogoutURLs: [distributionUrl()],
    });
    expect([...(client.Properties.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
    expect(client.Properties.ReadAttributes).toContain('custom:tenantId');
    expect(client.Properties.WriteAttributes).not.toContain('custom:tenantId');
  });

  it('writes config.json for console/src/session.ts: the Cognito domain, the client and the callback', () => {
    const [deployment] = s.stateless.resources('Custom::CDKBucketDeployment');
    const keys = deployment!.Properties.SourceObjectKeys as string[];
    const markers = deployment!.Properties.SourceMarkers as Record<string, unknown>[];
    const index = keys.findIndex((key) => {
      try {
        readFileSync(join(s.built.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'));
        return true;
      } catch {
        return false;
      }
    });
    expect(index, 'config.json among the uploaded sources').toBeGreaterThanOrEqual(0);
    let text = readFileSync(join(s.built.app.outdir, `asset.${keys[index]!.replace(/\.zip$/, '')}`, 'config.json'), 'utf8');
    // each deploy-time value as <LogicalId> or <LogicalId.Attribute>
    const rendered = (value: unknown) => {
      const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return v.Ref ? `<${v.Ref}>` : `<${v['Fn::GetAtt']!.join('.')}>`;
    };
    for (const [marker, value] of Object.entries(markers[index]!)) text = text.replaceAll(marker, rendered(value));
    const domain = only('AWS::Cognito::UserPoolDomain');
    expect(JSON.parse(text)).toEqual({
      cognito: {
        domain: `https://<${domain.id}>.auth.<AWS::Region>.amazoncognito.com`,
        clientId: `<${clientId()}>`,
        redirectUri: `https://<${distribution().id}.DomainName>/`,
      },
    });
  });

  it('uploads the console and invalidates the distribution on every deployment', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionId: { Ref: distribution().id },
      DistributionPaths: ['/*'],
      SourceObjectKeys: Match.arrayWith([Match.stringLikeRegexp('\\.zip$')]),
    });
    expect((s.stateless.resources('Custom::CDKBucketDeployment')[0]!.Properties.SourceObjectKeys as string[]).length).toBe(2);
  });
});

it('outputs the console URL and its client', () => {
  const outputs = s.stateless.json.Outputs ?? {};
  expect(outputs[OUTPUTS.consoleUrl]?.Value).toEqual(distributionUrl());
  expect(outputs[OUTPUTS.consoleClientId]?.Value).toEqual({ Ref: clientId() });
});
