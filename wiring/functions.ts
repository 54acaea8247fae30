/**
 * Every Lambda function of the system, declared once. The CDK stateless stack builds one house function
 * per entry; the local runtime imports the same entry module and calls its `handler` export.
 */
import { SERVICE_FUNCTIONS } from './service/functions.js';
import { CAMPAIGN_FUNCTIONS } from './campaigns/functions.js';
import { FINANCE_FUNCTIONS } from './finance/functions.js';

export interface FunctionDeclaration {
  /** Logical id (CDK construct id) and the metering name. */
  id: string;
  /** Source file of the handler, relative to the project root; it exports `handler`. */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** The feature its usage is billed to (wiring/finance/features.ts); derived from `entry` when left out. */
  feature?: string;
  /** Least privilege: what the function may touch. */
  access: {
    table: 'read' | 'readWrite';
    publishesEvents: boolean;
    readsTenantSecrets: boolean;
    /** Creates and updates the tenants' Secrets Manager secrets (`${SECRETS_PREFIX}${tenantId}`): the connections API only. */
    writesTenantSecrets?: boolean;
    /** Reads the consent link signing key (Secrets Manager secret `CONSENT_TOKEN_SECRET_ID`, or env CONSENT_TOKEN_KEY). */
    readsConsentKey?: boolean;
    /** Sends e-mail through SES v2 (ses:SendEmail from the `EMAIL_FROM` identity). */
    sendsEmail?: boolean;
    /**
     * Reads the suppression pepper (Secrets Manager secret `SUPPRESSION_PEPPER_SECRET_ID`, or env SUPPRESSION_PEPPER):
     * every function that creates customers or links identities (the tombstone check) or writes or exports tombstones.
     */
    readsSuppressionPepper?: boolean;
  };
}

import { LOYALTY_FUNCTIONS } from './loyalty/functions.js';

export const FUNCTIONS = {
  ...LOYALTY_FUNCTIONS,
  ...SERVICE_FUNCTIONS,
  ...CAMPAIGN_FUNCTIONS,
  ...FINANCE_FUNCTIONS,
  metaWebhook: {
    id: 'MetaWebhook',
    entry: 'functions/social/meta-webhook.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  xWebhook: {
    id: 'XWebhook',
    entry: 'functions/social/x-webhook.ts',
    memoryMb: 512,
    // X expects an answer within 10 s (the CRC within 3 s)
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  youtubeWebhook: {
    id: 'YoutubeWebhook',
    entry: 'functions/social/youtube-webhook.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  shopifyWebhook: {
    id: 'ShopifyWebhook',
    entry: 'functions/commerce/shopify-webhook.ts',
    memoryMb: 512,
    // Shopify gives up on a delivery after ~5 s
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  woocommerceWebhook: {
    id: 'WoocommerceWebhook',
    entry: 'functions/commerce/woocommerce-webhook.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  eventsWebhook: {
    id: 'EventsWebhook',
    entry: 'functions/commerce/events-webhook.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  customersApi: {
    id: 'CustomersApi',
    entry: 'functions/customers/customers-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // readWrite: merges move timeline items and identities; publishes CustomersMerged
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsSuppressionPepper: true },
  },
  connectionsApi: {
    id: 'ConnectionsApi',
    entry: 'functions/social/connections-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // account ids on the tenant record; webhook secrets in Secrets Manager (read and written, never returned)
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: true, writesTenantSecrets: true },
  },
  newsroomApi: {
    id: 'NewsroomApi',
    entry: 'functions/social/newsroom-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // reads the newsroom index; readWrite only for the usage counters the metering step adds
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
  openApi: {
    id: 'OpenApi',
    entry: 'functions/shared/openapi-api.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    access: { table: 'read', publishesEvents: false, readsTenantSecrets: false },
  },
  customerActivity: {
    id: 'CustomerActivity',
    entry: 'functions/customers/customer-activity-consumer.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
  consentApi: {
    id: 'ConsentApi',
    entry: 'functions/consent/consents-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsConsentKey: true, sendsEmail: true },
  },
  consentPublic: {
    id: 'ConsentPublic',
    entry: 'functions/consent/public-consent.ts',
    memoryMb: 512,
    // RFC 8058 senders expect a quick answer to the one-click POST
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsConsentKey: true },
  },
  auditApi: {
    id: 'AuditApi',
    entry: 'functions/audit/audit-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // readWrite only for the usage counters the metering step adds
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
  customerKnowledge: {
    id: 'CustomerKnowledge',
    entry: 'functions/knowledge/customer-knowledge-consumer.ts',
    memoryMb: 1024,
    // a recompute step reads every customer's inputs of a tenant (about a million in a few minutes)
    timeoutSeconds: 300,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  segmentsApi: {
    id: 'SegmentsApi',
    entry: 'functions/segments/segments-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // publishes the back-fill steps of a new segment
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  knowledgeApi: {
    id: 'KnowledgeApi',
    entry: 'functions/knowledge/knowledge-api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // publishes the first step of a recompute
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  privacyApi: {
    id: 'PrivacyApi',
    entry: 'functions/privacy/privacy-api.ts',
    memoryMb: 1024,
    // the export reads a person's whole history in one request (API Gateway waits at most 30 s)
    timeoutSeconds: 28,
    // readWrite: erasure requests, retention setting, audit entries; publishes the first erasure step
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsSuppressionPepper: true },
  },
  consentRetention: {
    id: 'ConsentRetention',
    entry: 'functions/privacy/consent-retention-consumer.ts',
    memoryMb: 512,
    // pages through one person's interactions (a few thousand items at most)
    timeoutSeconds: 120,
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
  erasure: {
    id: 'Erasure',
    entry: 'functions/privacy/erasure-consumer.ts',
    memoryMb: 1024,
    // works until ~30 s before the timeout, then hands on to the next step (ErasureRequested)
    timeoutSeconds: 300,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsSuppressionPepper: true },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionKey = keyof typeof FUNCTIONS;
