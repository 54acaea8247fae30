/**
 * Every Lambda function of the system, declared once. The CDK stateless stack builds one house function
 * per entry; the local runtime imports the same entry module and calls its `handler` export. Memory and
 * timeout default to FUNCTION_DEFAULTS (wiring/function-declaration.ts): a declaration says only what differs.
 */
import { CAMPAIGN_FUNCTIONS } from './campaigns/functions.js';
import { FINANCE_FUNCTIONS } from './finance/functions.js';
import { declareFunctions } from './function-declaration.js';
import { LOYALTY_FUNCTIONS } from './loyalty/functions.js';
import { SERVICE_FUNCTIONS } from './service/functions.js';

export { FUNCTION_DEFAULTS, type FunctionDeclaration } from './function-declaration.js';

export const FUNCTIONS = declareFunctions({
  ...LOYALTY_FUNCTIONS,
  ...SERVICE_FUNCTIONS,
  ...CAMPAIGN_FUNCTIONS,
  ...FINANCE_FUNCTIONS,
  metaWebhook: {
    id: 'MetaWebhook',
    entry: 'functions/social/meta-webhook.ts',
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  xWebhook: {
    id: 'XWebhook',
    entry: 'functions/social/x-webhook.ts',
    // X expects an answer within 10 s (the CRC within 3 s)
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  youtubeWebhook: {
    id: 'YoutubeWebhook',
    entry: 'functions/social/youtube-webhook.ts',
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  shopifyWebhook: {
    id: 'ShopifyWebhook',
    entry: 'functions/commerce/shopify-webhook.ts',
    // Shopify gives up on a delivery after ~5 s
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  woocommerceWebhook: {
    id: 'WoocommerceWebhook',
    entry: 'functions/commerce/woocommerce-webhook.ts',
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  eventsWebhook: {
    id: 'EventsWebhook',
    entry: 'functions/commerce/events-webhook.ts',
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsSuppressionPepper: true },
  },
  customersApi: {
    id: 'CustomersApi',
    entry: 'functions/customers/customers-api.ts',
    // readWrite: merges move timeline items and identities; publishes CustomersMerged
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsSuppressionPepper: true },
  },
  connectionsApi: {
    id: 'ConnectionsApi',
    entry: 'functions/social/connections-api.ts',
    // account ids on the tenant record; webhook secrets in Secrets Manager (read and written, never returned)
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: true, writesTenantSecrets: true },
  },
  newsroomApi: {
    id: 'NewsroomApi',
    entry: 'functions/social/newsroom-api.ts',
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
  consentApi: {
    id: 'ConsentApi',
    entry: 'functions/consent/consents-api.ts',
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsConsentKey: true, sendsEmail: true },
  },
  consentPublic: {
    id: 'ConsentPublic',
    entry: 'functions/consent/public-consent.ts',
    // RFC 8058 senders expect a quick answer to the one-click POST
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, readsConsentKey: true },
  },
  auditApi: {
    id: 'AuditApi',
    entry: 'functions/audit/audit-api.ts',
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
    // publishes the back-fill steps of a new segment
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  knowledgeApi: {
    id: 'KnowledgeApi',
    entry: 'functions/knowledge/knowledge-api.ts',
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
});

export type FunctionKey = keyof typeof FUNCTIONS;
