/**
 * The registry of stores outside the table that can hold personal data (domain/privacy/erasure.ts
 * PersonalArtefacts). The local runtime registers its outbox; a later store that keeps people's data (a file
 * folder, a cache) registers here too, and the erasure test iterates this list beside the entity registry.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PersonalArtefacts } from '../../domain/privacy/erasure.js';

const registry: PersonalArtefacts[] = [];

export function registerPersonalArtefacts(store: PersonalArtefacts): () => void {
  registry.push(store);
  return () => {
    const i = registry.indexOf(store);
    if (i >= 0) registry.splice(i, 1);
  };
}

export function personalArtefacts(): readonly PersonalArtefacts[] {
  return registry;
}

/**
 * A folder of JSON files (the local outbox: e-mails with their links, messages, ticket replies): a file of the
 * tenant that names one of the person's ids or identities (an address, a phone, a social id) is deleted whole.
 */
export function jsonFolderArtefacts(name: string, dir: string): PersonalArtefacts {
  return {
    name,
    async erase(tenantId, subjects, identities) {
      const needles = [...subjects, ...identities.map((i) => i.externalId)].filter((n) => n.length >= 3);
      let files: string[] = [];
      try {
        files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      } catch {
        return 0;
      }
      let erased = 0;
      for (const file of files) {
        const path = join(dir, file);
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          continue;
        }
        const tenant = (JSON.parse(text) as { tenantId?: string }).tenantId;
        if (tenant !== undefined && tenant !== tenantId) continue;
        const lower = text.toLowerCase();
        if (needles.some((n) => lower.includes(n.toLowerCase()))) {
          rmSync(path, { force: true });
          erased += 1;
        }
      }
      return erased;
    },
  };
}
