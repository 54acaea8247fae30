/**
 * The consent adapters' edges: SES v2 SendEmail as the SDK receives it, the local outbox, and where the
 * link signing key comes from (env, rotation list, Secrets Manager).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { consentTokenSettings, publicApiUrl, unsubscribeLink } from '../../../adapters/consent/consent-config.js';
import { OutboxEmailSender, SesEmailSender } from '../../../adapters/shared/email.js';
import { verifyConsentToken } from '../../../domain/consent/consent-tokens.js';
import { tokenOf } from '../../support/consent.js';
import { tempDir } from '../../support/temp.js';

const ses = mockClient(SESv2Client);
const sm = mockClient(SecretsManagerClient);
const saved = { ...process.env };
beforeEach(() => {
  ses.reset();
  sm.reset();
  for (const name of ['CONSENT_TOKEN_KEY', 'CONSENT_TOKEN_SECRET_ID', 'CONSENT_CONFIRM_TTL_SECONDS', 'PUBLIC_API_URL']) delete process.env[name];
});
afterEach(() => {
  process.env = { ...saved };
});

const message = {
  tenantId: 'acme.example',
  to: 'ana@example.com',
  subject: 'Please confirm',
  text: 'Open https://x/consent/confirm?token=t',
  headers: { 'List-Unsubscribe': '<https://x/unsubscribe?token=u>' },
  tags: { purpose: 'double_opt_in' },
};

describe('SesEmailSender', () => {
  it('sends a simple UTF-8 message from the configured identity, with headers and SES-safe tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const sender = new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), 'news@brand.example', 'marketing');
    expect(await sender.send(message)).toEqual({ messageId: 'ses-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input).toEqual({
      FromEmailAddress: 'news@brand.example',
      Destination: { ToAddresses: ['ana@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Please confirm', Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          Headers: [{ Name: 'List-Unsubscribe', Value: '<https://x/unsubscribe?token=u>' }],
        },
      },
      EmailTags: [
        { Name: 'tenant', Value: 'acme_example' },
        { Name: 'purpose', Value: 'double_opt_in' },
      ],
      ConfigurationSetName: 'marketing',
    });
  });

  it('refuses to send without a sender identity, and passes SES failures on', async () => {
    await expect(new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), undefined).send(message)).rejects.toThrow(/EMAIL_FROM/);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' }));
    await expect(new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), 'a@b.example').send(message)).rejects.toThrow(/not verified/);
  });
});

describe('OutboxEmailSender', () => {
  it('writes each message as a JSON file, in sending order', async () => {
    const dir = join(tempDir('outbox-'), 'outbox');
    const outbox = new OutboxEmailSender(dir);
    const first = await outbox.send(message);
    await outbox.send({ ...message, to: 'bob@example.com' });
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    const stored = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
    expect(stored).toMatchObject({ ...message, messageId: first.messageId, sentAt: expect.any(String) });
    expect(JSON.parse(readFileSync(join(dir, files[1]!), 'utf8')).to).toBe('bob@example.com');
  });
});

describe('consent link configuration', () => {
  const k1 = 'k'.repeat(40);
  const k2 = 'j'.repeat(40);

  it('takes the keys from CONSENT_TOKEN_KEY (first signs, all verify) and the lifetimes from the env', async () => {
    process.env.CONSENT_TOKEN_KEY = ` ${k1}, ${k2} `;
    process.env.CONSENT_CONFIRM_TTL_SECONDS = '600';
    const settings = await consentTokenSettings();
    expect(settings).toMatchObject({ keys: [k1, k2], confirmTtlSeconds: 600 });
    expect(settings.unsubscribeTtlSeconds).toBeGreaterThan(365 * 86_400);
    const link = await unsubscribeLink('https://api.example.com', 'acme', 'c-1', 'sms');
    expect(verifyConsentToken([k1], tokenOf(link), 'unsubscribe', new Date()).customerId).toBe('c-1');
    expect(() => verifyConsentToken([k2], tokenOf(link), 'unsubscribe', new Date())).toThrow();
  });

  it('refuses short keys and a missing configuration', async () => {
    process.env.CONSENT_TOKEN_KEY = 'short';
    await expect(consentTokenSettings()).rejects.toThrow(/at least 32/);
    delete process.env.CONSENT_TOKEN_KEY;
    await expect(consentTokenSettings()).rejects.toThrow(/CONSENT_TOKEN_KEY or CONSENT_TOKEN_SECRET_ID/);
  });

  it('reads the keys from the Secrets Manager secret otherwise, once for a while', async () => {
    process.env.CONSENT_TOKEN_SECRET_ID = 'social-crm/consent-token-key';
    sm.on(GetSecretValueCommand, { SecretId: 'social-crm/consent-token-key' }).resolves({ SecretString: JSON.stringify({ keys: [k2, k1] }) });
    expect((await consentTokenSettings()).keys).toEqual([k2, k1]);
    expect((await consentTokenSettings()).keys).toEqual([k2, k1]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('points public links at PUBLIC_API_URL, else at the host the request came to', () => {
    expect(publicApiUrl('abc.execute-api.eu-west-1.amazonaws.com')).toBe('https://abc.execute-api.eu-west-1.amazonaws.com');
    process.env.PUBLIC_API_URL = 'https://crm.brand.example/';
    expect(publicApiUrl('abc.execute-api.eu-west-1.amazonaws.com')).toBe('https://crm.brand.example');
  });
});
