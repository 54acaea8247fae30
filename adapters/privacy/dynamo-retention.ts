/**
 * Privacy on the one table: the tenant's privacy settings (retention period, suppression salt), the
 * suppression tombstones, and the retention of a person's interactions (keys: store/keys.ts).
 *
 * Suppression fingerprints are HMAC-SHA-256 under a key made of the deployment-wide pepper and the tenant's
 * own random salt, created the first time anyone needs it and never changed (so every writer and reader
 * agrees). The pepper: `SUPPRESSION_PEPPER` (the local runtime sets one per data folder), or else
 * `SUPPRESSION_PEPPER_SECRET_ID`, the stack's generated secret, read with the function's
 * `readsSuppressionPepper` permission and kept for the container's life. Without either the salt alone keys
 * them (and a warning is logged once): the table alone then suffices to test a guess.
 */
import { randomBytes } from 'node:crypto';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fingerprintKey, identityFingerprint, type IdentityRef } from '../../domain/privacy/erasure.js';
import { DEFAULT_RETENTION_DAYS, type PrivacySettings, type PrivacySettingsStore, type RetainedInteraction, type RetentionStore } from '../../domain/privacy/retention.js';
import type { Interaction } from '../../domain/shared/model.js';
import { keys } from '../../store/keys.js';
import { logger } from '../shared/powertools.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';
import { secretString } from '../shared/secret-string.js';

/** Settings change rarely and every new interaction needs them: a container keeps them for a minute. */
const SETTINGS_TTL_MS = 60_000;
const PAGE_SIZE = 100;

interface StoredSettings {
  retentionDays?: number;
  updatedAt?: string;
  suppressionSalt?: string;
}

const cacheKey = (tenantId: string) => `${tableName()}\u0000${tenantId}`;

export class DynamoPrivacySettings implements PrivacySettingsStore {
  private readonly settings = new Map<string, { at: number; value: StoredSettings }>();
  /** Salts never change once written: kept for the container's life. */
  private readonly salts = new Map<string, string>();

  private async read(tenantId: string, fresh = false): Promise<StoredSettings> {
    const hit = this.settings.get(cacheKey(tenantId));
    if (!fresh && hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.privacySettings(tenantId), ConsistentRead: fresh }),
    );
    const value: StoredSettings = {
      ...(typeof Item?.retentionDays === 'number' && { retentionDays: Item.retentionDays }),
      ...(typeof Item?.updatedAt === 'string' && { updatedAt: Item.updatedAt }),
      ...(typeof Item?.suppressionSalt === 'string' && { suppressionSalt: Item.suppressionSalt }),
    };
    this.settings.set(cacheKey(tenantId), { at: Date.now(), value });
    return value;
  }

  async get(tenantId: string): Promise<PrivacySettings> {
    const stored = await this.read(tenantId, true);
    return { retentionDays: stored.retentionDays ?? DEFAULT_RETENTION_DAYS, ...(stored.updatedAt !== undefined && { updatedAt: stored.updatedAt }) };
  }

  async retentionDays(tenantId: string): Promise<number> {
    return (await this.read(tenantId)).retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  async setRetentionDays(tenantId: string, retentionDays: number, at: string): Promise<PrivacySettings> {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.privacySettings(tenantId),
        UpdateExpression: 'SET entity = :entity, retentionDays = :days, updatedAt = :at',
        ExpressionAttributeValues: { ':entity': 'PrivacySettings', ':days': retentionDays, ':at': at },
      }),
    );
    this.settings.delete(cacheKey(tenantId));
    return { retentionDays, updatedAt: at };
  }

  /** The tenant's salt, written once by whoever needs it first (the conditional keeps the first one). */
  async salt(tenantId: string): Promise<string> {
    const known = this.salts.get(cacheKey(tenantId)) ?? (await this.read(tenantId)).suppressionSalt;
    if (known) {
      this.salts.set(cacheKey(tenantId), known);
      return known;
    }
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.privacySettings(tenantId),
        UpdateExpression: 'SET entity = :entity, suppressionSalt = if_not_exists(suppressionSalt, :salt)',
        ExpressionAttributeValues: { ':entity': 'PrivacySettings', ':salt': randomBytes(32).toString('base64url') },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const salt = Attributes?.suppressionSalt;
    if (typeof salt !== 'string') throw new Error('the tenant suppression salt could not be written');
    this.salts.set(cacheKey(tenantId), salt);
    return salt;
  }
}

export const privacySettings = new DynamoPrivacySettings();

/**
 * The deployment-wide pepper of the fingerprints, read per call (cheap: the secret is cached), so a local
 * restart with another data folder is seen at once. Never rotated: tombstones are one-way hashes, so a new
 * pepper cannot re-key them and every existing one would stop matching.
 */
export class SuppressionPepper {
  private warned = false;

  constructor(private readonly warn: (message: string) => void = (message) => logger.warn(message)) {}

  async value(): Promise<string> {
    const fromEnv = process.env.SUPPRESSION_PEPPER;
    if (fromEnv) return fromEnv;
    const secretId = process.env.SUPPRESSION_PEPPER_SECRET_ID;
    if (secretId) return secretString(secretId);
    if (!this.warned) {
      this.warned = true;
      this.warn('No suppression pepper (SUPPRESSION_PEPPER or SUPPRESSION_PEPPER_SECRET_ID): tombstones are keyed by the tenant salt alone');
    }
    return '';
  }
}

export const suppressionPepper = new SuppressionPepper();

/** The suppression tombstones: one item per erased identity, keyed by its fingerprint. */
export class DynamoSuppressionList {
  constructor(
    private readonly settings: Pick<DynamoPrivacySettings, 'salt'> = privacySettings,
    private readonly pepper: Pick<SuppressionPepper, 'value'> = suppressionPepper,
  ) {}

  async fingerprints(tenantId: string, identities: readonly IdentityRef[]): Promise<string[]> {
    if (identities.length === 0) return [];
    const [pepper, salt] = await Promise.all([this.pepper.value(), this.settings.salt(tenantId)]);
    const key = fingerprintKey(pepper, salt);
    return [...new Set(identities.map((i) => identityFingerprint(key, i)))];
  }

  /** Writes a tombstone per identity, keeping the first one's time; answers how many are new. */
  async suppress(tenantId: string, identities: readonly IdentityRef[], at: string): Promise<number> {
    let added = 0;
    for (const fingerprint of await this.fingerprints(tenantId, identities)) {
      try {
        await documentClient().send(
          new PutCommand({
            TableName: tableName(),
            Item: { ...keys.suppression(tenantId, fingerprint), entity: 'SuppressionTombstone', at },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        added += 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return added;
  }

  /** The tombstones of these identities, if any (export shows them; creation checks them). */
  async tombstones(tenantId: string, identities: readonly IdentityRef[]): Promise<{ fingerprint: string; at: string }[]> {
    const fingerprints = await this.fingerprints(tenantId, identities);
    const found: { fingerprint: string; at: string }[] = [];
    for (let i = 0; i < fingerprints.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [tableName()]: { Keys: fingerprints.slice(i, i + 100).map((f): Record<string, unknown> => ({ ...keys.suppression(tenantId, f) })) },
      };
      while (request && Object.keys(request).length > 0) {
        const result = await documentClient().send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[tableName()] ?? []) {
          found.push({ fingerprint: String(item.pk).slice(String(item.pk).lastIndexOf('#') + 1), at: item.at as string });
        }
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return found;
  }

  async anySuppressed(tenantId: string, identities: readonly IdentityRef[]): Promise<boolean> {
    return (await this.tombstones(tenantId, identities)).length > 0;
  }
}

export const suppressionList = new DynamoSuppressionList();

/** The retention of a person's interactions: their timeline items and dedupe references (domain/privacy/retention.ts). */
export class DynamoRetentionStore implements RetentionStore {
  constructor(private readonly settings: DynamoPrivacySettings = privacySettings) {}

  retentionDays(tenantId: string): Promise<number> {
    return this.settings.retentionDays(tenantId);
  }

  async interactionPage(tenantId: string, customerId: string, cursor?: string): Promise<{ items: RetainedInteraction[]; next?: string }> {
    const pk = keys.customerPartition(tenantId, customerId);
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#type = :interaction',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.timelinePrefix, ':interaction': 'interaction' },
        ConsistentRead: true,
        Limit: PAGE_SIZE,
        ...(cursor !== undefined && { ExclusiveStartKey: { pk, sk: cursor } }),
      }),
    );
    const items = (result.Items ?? []).flatMap((item): RetainedInteraction[] => {
      const data = item.data as Interaction | undefined;
      if (!data?.channel || !data.externalId) return [];
      return [
        {
          tenantId,
          customerId,
          sk: item.sk as string,
          channel: data.channel,
          externalId: data.externalId,
          occurredAt: data.occurredAt,
          receivedAt: data.receivedAt,
          ...(typeof item.expiresAt === 'number' && { expiresAt: item.expiresAt }),
        },
      ];
    });
    const last = result.LastEvaluatedKey?.sk as string | undefined;
    return { items, ...(last !== undefined && { next: last }) };
  }

  async setExpiry(item: RetainedInteraction, expiresAt: number | undefined, nowSeconds: number): Promise<'changed' | 'expired'> {
    // removing never revives what already expired; setting applies to anything still there
    const change =
      expiresAt === undefined
        ? { update: 'REMOVE expiresAt', live: ' AND (attribute_not_exists(expiresAt) OR expiresAt > :now)', values: { ':now': nowSeconds } }
        : { update: 'SET expiresAt = :expiresAt', live: '', values: { ':expiresAt': expiresAt } };
    // the reference first: a crash before the timeline item leaves the item wrong, so a rerun does both again
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.interactionRef(item.tenantId, item.channel, item.externalId),
          UpdateExpression: change.update,
          ConditionExpression: `attribute_exists(pk) AND customerId = :customer${change.live}`,
          ExpressionAttributeValues: { ...change.values, ':customer': item.customerId },
        }),
      );
    } catch (error) {
      // no reference (expired, or another person's after a redelivery): the timeline item still changes
      if (!isConditionalCheckFailed(error)) throw error;
    }
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: keys.customerPartition(item.tenantId, item.customerId), sk: item.sk },
          UpdateExpression: change.update,
          ConditionExpression: `attribute_exists(pk)${change.live}`,
          ExpressionAttributeValues: change.values,
        }),
      );
      return 'changed';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return 'expired';
    }
  }
}
