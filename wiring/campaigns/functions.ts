/**
 * The campaigns context's functions (spread into wiring/functions.ts FUNCTIONS).
 */
import { declareFunctions } from '../function-declaration.js';

export const CAMPAIGN_FUNCTIONS = declareFunctions({
  campaignsApi: {
    id: 'CampaignsApi',
    entry: 'functions/campaigns/api.ts',
    // publishes CampaignLaunched; starts the campaign state machine (granted by infra/contexts/campaigns.ts); signs attachment uploads
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, campaignFiles: true },
  },
  campaignStep: {
    id: 'CampaignStep',
    entry: 'functions/campaigns/step.ts',
    memoryMb: 1024,
    // one page of up to 1,000 recipients: the ledger writes and the sends, with retries on throttling
    timeoutSeconds: 300,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true, readsConsentKey: true, sendsEmail: true },
  },
  emailEvents: {
    id: 'EmailEvents',
    entry: 'functions/campaigns/email-events.ts',
    // SES delivery events: moves e-mails forward and counts campaign deliveries
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
  campaignAttribution: {
    id: 'CampaignAttribution',
    entry: 'functions/campaigns/attribution.ts',
    timeoutSeconds: 30,
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
});
