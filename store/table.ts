/**
 * The one DynamoDB table, described once. The CDK stateful stack and the local runtime (DynamoDB Local)
 * both create the table from this definition, so their keys and indexes cannot drift apart.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL deletes the item some time after. Reads must also ignore expired items. */
  ttlAttribute: 'expiresAt',
  /** Overloaded indexes: what each one serves is listed per entity in store/keys.ts. */
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof TABLE.globalSecondaryIndexes)[number]['indexName'];

/** Attribute names that are keys (string attributes); everything else is schemaless. */
export const KEY_ATTRIBUTES: readonly string[] = [
  TABLE.partitionKey,
  TABLE.sortKey,
  ...TABLE.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
];

/** The physical table name; the stack passes it to every function as TABLE_NAME. */
export const DEFAULT_TABLE_NAME = 'social-crm';
