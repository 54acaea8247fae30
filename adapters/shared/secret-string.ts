/**
 * The string value of one Secrets Manager secret, by id (name or ARN), cached in the container. Deployment-wide
 * keys come this way: the consent link signing key (adapters/consent/consent-config.ts) and the suppression pepper
 * (adapters/privacy/dynamo-retention.ts). Each function may read only the secrets its access flags grant.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { addCall } from './meter.js';

let client: SecretsManagerClient | undefined;
/** The promise is cached, so concurrent first callers share one GetSecretValue; a failed read is forgotten. */
const cache = new Map<string, { at: number; value: Promise<string> }>();

/** The secret's string; read again once it is older than `maxAgeMs` (default: kept for the container's life). */
export function secretString(secretId: string, maxAgeMs = Number.POSITIVE_INFINITY): Promise<string> {
  const hit = cache.get(secretId);
  if (hit && Date.now() - hit.at < maxAgeMs) return hit.value;
  client ??= new SecretsManagerClient({});
  addCall('secretsCalls'); // metered to the invocation that read it first
  const value = client.send(new GetSecretValueCommand({ SecretId: secretId })).then((result) => {
    if (!result.SecretString) throw new Error(`the secret ${secretId} holds no string`);
    return result.SecretString;
  });
  cache.set(secretId, { at: Date.now(), value });
  value.catch(() => {
    if (cache.get(secretId)?.value === value) cache.delete(secretId);
  });
  return value;
}
