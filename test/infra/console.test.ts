/**
 * The console's hosting (infra/contexts/console.ts): a private bucket only CloudFront reads through Origin Access
 * Control, the API behind the same distribution at /v1/* uncached, the local runtime's security headers, and the
 * hosted sign-in client (authorization code + PKCE, no secret) whose callback is the distribution.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { OUTPUTS } from '../../infra/config.js';
import { synthesize, type Json, type Synthesized } from './synth.js';

/** CloudFront's managed policies (their ids are fixed by AWS). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const distribution = () => {
  const [only, ...others] = s.stateless.resources('AWS::CloudFront::Distribution');
  expect(others).toEqual([]);
  return only!.Properties.DistributionConfig as Json;
};
const refersTo = (value: unknown, id: string) => JSON.stringify(value).includes(`"${id}"`);

describe('console hosting', () => {
  it('keeps the files in a private, encrypted bucket that refuses plain HTTP', () => {
    const [bucket, ...others] = s.stateless.resources('AWS::S3::Bucket');
    expect(others).toEqual([]);
    expect(bucket!.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket!.Properties.BucketEncryption).toBeDefined();
    const policy = s.stateless.resources('AWS::S3::BucketPolicy').find((p) => refersTo(p.Properties.Bucket, bucket!.id))!;
    const statements = (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // the only reader: CloudFront, for this distribution (OAC's SourceArn condition)
    const reads = statements.filter((st) => st.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(JSON.stringify(reads[0]!.Condition)).toContain('AWS:SourceArn');
  });

  it('reads the bucket through Origin Access Control, signing every request', () => {
    const [oac, ...others] = s.stateless.resources('AWS::CloudFront::OriginAccessControl');
    expect(others).toEqual([]);
    expect(oac!.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const origins = distribution().Origins as Json[];
    const s3 = origins.find((o) => o.S3OriginConfig)!;
    expect(refersTo(s3.OriginAccessControlId, oac!.id)).toBe(true);
    // no legacy origin access identity
    expect((s3.S3OriginConfig as Json).OriginAccessIdentity ?? '').toBe('');
    expect(distribution().DefaultRootObject).toBe('index.html');
    expect((distribution().DefaultCacheBehavior as Json).ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('serves the API at /v1/* on the same origin, uncached, with every method and the caller\'s headers', () => {
    const behaviours = distribution().CacheBehaviors as Json[];
    const api = behaviours.find((b) => b.PathPattern === '/v1/*')!;
    expect(api).toMatchObject({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER, ViewerProtocolPolicy: 'https-only' });
    expect((api.AllowedMethods as string[]).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    const origin = (distribution().Origins as Json[]).find((o) => o.Id === api.TargetOriginId)!;
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    const httpApi = s.stateless.resources('AWS::ApiGatewayV2::Api')[0]!;
    expect(refersTo(origin.DomainName, httpApi.id)).toBe(true);
  });

  it('sends the security headers the local runtime sends, letting the page reach only itself and Cognito', () => {
    const [policy] = s.stateless.resources('AWS::CloudFront::ResponseHeadersPolicy');
    const security = (policy!.Properties.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig as Json;
    const csp = JSON.stringify((security.ContentSecurityPolicy as Json).ContentSecurityPolicy);
    for (const directive of consoleContentSecurityPolicy().split('; ').filter((d) => !d.startsWith('connect-src'))) expect(csp).toContain(directive);
    expect(csp).toContain("connect-src 'self' https://");
    expect(csp).toContain('amazoncognito.com');
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000 });
    expect((distribution().DefaultCacheBehavior as Json).ResponseHeadersPolicyId).toEqual({ Ref: policy!.id });
  });

  it('signs in with a public client: authorization code only, no secret, back to the distribution', () => {
    const client = s.stateless.resources('AWS::Cognito::UserPoolClient').find((c) => c.id.startsWith('ConsoleClient'))!;
    expect(client.Properties).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: ['COGNITO'] });
    expect(client.Properties.GenerateSecret ?? false).toBe(false);
    expect((client.Properties.AllowedOAuthScopes as string[]).sort()).toEqual(['email', 'openid', 'profile']);
    const [dist] = s.stateless.resources('AWS::CloudFront::Distribution');
    expect(refersTo(client.Properties.CallbackURLs, dist!.id)).toBe(true);
    expect(s.stateless.resources('AWS::Cognito::UserPoolDomain')).toHaveLength(1);
  });

  it('deploys the built files and config.json naming the domain, client and callback, and says where the console is', () => {
    const [deployment] = s.stateless.resources('Custom::CDKBucketDeployment');
    expect(deployment).toBeDefined();
    expect((deployment!.Properties.SourceObjectKeys as unknown[]).length).toBe(2);
    expect(deployment!.Properties.DistributionPaths).toEqual(expect.arrayContaining(['/index.html', '/config.json']));
    const outputs = s.stateless.json.Outputs ?? {};
    expect(refersTo(outputs[OUTPUTS.consoleUrl]?.Value, s.stateless.resources('AWS::CloudFront::Distribution')[0]!.id)).toBe(true);
  });
});
