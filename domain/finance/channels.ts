/**
 * How a sent message is priced: its channel, its WhatsApp category and its destination country.
 * A pure mapping, used by the meter (which counts `sms_<CC>` and `whatsapp_<category>_<CC>`) and by the
 * price table (which prices those dimensions per country).
 */

/** Country calling codes of the countries the price table names, longest first (E.164 prefixes). */
const CALLING_CODES: readonly [string, string][] = [
  ['351', 'PT'],
  ['353', 'IE'],
  ['44', 'GB'],
  ['34', 'ES'],
  ['49', 'DE'],
  ['33', 'FR'],
  ['39', 'IT'],
  ['55', 'BR'],
  ['52', 'MX'],
  ['91', 'IN'],
  ['1', 'US'],
];

/** Unknown destination: priced at the dearest rate of the channel (never under-billed). */
export const UNKNOWN_COUNTRY = 'ZZ';

export function countryOfPhone(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  return CALLING_CODES.find(([code]) => digits.startsWith(code))?.[1] ?? UNKNOWN_COUNTRY;
}

/** WhatsApp bills per message by category: marketing and utility templates; service replies in the 24-hour window. */
export type WhatsappCategory = 'marketing' | 'utility' | 'authentication' | 'service';

export function whatsappCategory(message: { purpose: 'transactional' | 'marketing'; template?: unknown }): WhatsappCategory {
  if (!message.template) return 'service';
  return message.purpose === 'marketing' ? 'marketing' : 'utility';
}

/** The meter dimension a sent message counts in. */
export function messageDimension(message: {
  channel: 'email' | 'sms' | 'whatsapp';
  to: string;
  country?: string;
  purpose: 'transactional' | 'marketing';
  template?: unknown;
}): 'emails' | `sms_${string}` | `whatsapp_${string}_${string}` {
  if (message.channel === 'email') return 'emails';
  const country = (message.country ?? countryOfPhone(message.to)).toUpperCase();
  if (message.channel === 'sms') return `sms_${country}`;
  return `whatsapp_${whatsappCategory(message)}_${country}`;
}
