/** The loyalty context's composition root: its store, and the shared ports it uses. */
import { emailSender } from '../../adapters/shared/email.js';
import { messageSender, setCloudMessageSender } from '../../adapters/messaging/index.js';
import { loyaltyStore } from '../../adapters/loyalty/dynamo-loyalty.js';
import type { LoyaltyPorts } from '../../domain/loyalty/engine.js';
import { PermanentSendError, type MessageSender } from '../../domain/shared/messaging.js';
import { recordProgramTerms } from '../../domain/consent/index.js';
import { consentPorts, ports } from '../shared/ports.js';

/** Loyalty sends e-mail only (welcome, expiry notices): in AWS through the SES sender the consent links use. */
const emailOnly: MessageSender = {
  async send(message) {
    if (message.channel !== 'email') throw new PermanentSendError(`loyalty sends no ${message.channel} messages`);
    const { messageId } = await emailSender().send({
      tenantId: message.tenantId,
      to: message.to,
      subject: message.subject ?? '',
      text: message.text,
      ...(message.html !== undefined && { html: message.html }),
      ...(message.headers && { headers: message.headers }),
      ...(message.tags && { tags: message.tags }),
    });
    return { providerMessageId: messageId };
  },
};
setCloudMessageSender(() => emailOnly);

export const loyaltyPorts = (): LoyaltyPorts => ({
  store: loyaltyStore,
  customers: ports.customers,
  publisher: ports.publisher,
  messages: messageSender(),
  clock: ports.clock,
  // joining puts the program's terms on the consent ledger (purpose `loyalty`), through the consent context
  recordTerms: async (ctx, customerId, terms) => {
    await recordProgramTerms(consentPorts(), ctx, customerId, terms);
  },
});
