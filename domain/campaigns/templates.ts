/**
 * Personalisation: `{{givenName}}`, `{{tier}}`, `{{pointsBalance}}`, `{{recommendedProduct}}`, `{{unsubscribeLink}}`
 * filled from the recipient's profile; a field we do not know renders as its fallback, never as the placeholder.
 */
import type { PersonNames } from '../shared/customer.js';
import type { TemplateField } from './model.js';

export type TemplateValues = Partial<Record<TemplateField, string>>;
/** What a page looks up beside the profile, per recipient, only when a template names it. */
export type TemplateExtras = Partial<Record<'tier' | 'pointsBalance' | 'recommendedProduct', string>>;

const FALLBACK: Record<TemplateField, string> = { givenName: 'there', tier: 'member', pointsBalance: '0', recommendedProduct: 'our new arrivals', unsubscribeLink: '' };

export function render(template: string, values: TemplateValues): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_, name: TemplateField) => valueOf(name, values));
}

/** The template's fields in order, each with its value or fallback: a WhatsApp template's parameters. */
export function parametersOf(template: string, values: TemplateValues): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map(([, name]) => valueOf(name as TemplateField, values));
}

const valueOf = (name: TemplateField, values: TemplateValues) => values[name] ?? FALLBACK[name] ?? '';

/** The fields a set of templates uses (so a page only looks up what it needs, e.g. recommendations). */
export function fieldsUsed(...templates: (string | undefined)[]): Set<TemplateField> {
  const used = new Set<TemplateField>();
  for (const t of templates) for (const [, name] of (t ?? '').matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)) used.add(name as TemplateField);
  return used;
}

/**
 * One recipient's values: the given name (else the display name's first word, for records from before there were
 * parts), the extras the page looked up (tier, available points, first recommendation) and the unsubscribe link.
 * A value missing here renders as its fallback.
 */
export function templateValues(person: PersonNames, extras: TemplateExtras = {}, unsubscribeLink?: string): TemplateValues {
  const givenName = person.givenName ?? person.displayName?.split(/\s+/)[0];
  return {
    ...(givenName && { givenName }),
    ...(extras.tier !== undefined && { tier: extras.tier }),
    ...(extras.pointsBalance !== undefined && { pointsBalance: extras.pointsBalance }),
    ...(extras.recommendedProduct !== undefined && { recommendedProduct: extras.recommendedProduct }),
    ...(unsubscribeLink && { unsubscribeLink }),
  };
}
