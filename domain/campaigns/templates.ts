/**
 * Personalisation: `{{givenName}}`, `{{tier}}`, `{{pointsBalance}}`, `{{recommendedProduct}}`, `{{unsubscribeLink}}`
 * filled from the recipient's profile; a field we do not know renders as its fallback, never as the placeholder.
 */
import type { TemplateField } from './model.js';

export type TemplateValues = Partial<Record<TemplateField, string>>;

const FALLBACK: Record<TemplateField, string> = { givenName: 'there', tier: 'member', pointsBalance: '0', recommendedProduct: 'our new arrivals', unsubscribeLink: '' };

export function render(template: string, values: TemplateValues): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_, name: TemplateField) => values[name] ?? FALLBACK[name] ?? '');
}

/** The fields a set of templates uses (so a page only looks up what it needs, e.g. recommendations). */
export function fieldsUsed(...templates: (string | undefined)[]): Set<TemplateField> {
  const used = new Set<TemplateField>();
  for (const t of templates) for (const [, name] of (t ?? '').matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)) used.add(name as TemplateField);
  return used;
}
