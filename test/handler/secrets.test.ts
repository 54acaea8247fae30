import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerStore } from '../../adapters/shared/secrets.js';

const sm = mockClient(SecretsManagerClient);
beforeEach(() => sm.reset());
const client = () => new SecretsManagerClient({ region: 'us-east-1' });

describe('SecretsManagerStore', () => {
  it('reads the tenant secret by prefix, accepting one value or a rotation list', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'social-crm/tenants/acme' }).resolves({
      SecretString: JSON.stringify({ meta: { appSecret: ['new', 'old'], verifyToken: 'tok' }, shopify: { secret: 's' } }),
    });
    const secrets = await new SecretsManagerStore(client(), 'social-crm/tenants/').getTenantSecrets('acme');
    expect(secrets?.meta).toEqual({ appSecrets: ['new', 'old'], verifyTokens: ['tok'] });
    expect(secrets?.shopify.secrets).toEqual(['s']);
    expect(secrets?.x.consumerSecrets).toEqual([]);
  });

  it('answers undefined for a tenant without a secret, and caches answers', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    const store = new SecretsManagerStore(client(), 'p/');
    expect(await store.getTenantSecrets('ghost')).toBeUndefined();
    expect(await store.getTenantSecrets('ghost')).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not hide other failures', async () => {
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
    await expect(new SecretsManagerStore(client(), 'p/').getTenantSecrets('acme')).rejects.toThrow('AccessDenied');
  });
});
