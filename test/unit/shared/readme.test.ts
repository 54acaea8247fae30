import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, renderReadme } from '../../../scripts/docs.js';

describe('README.md', () => {
  const readme = readFileSync(README, 'utf8');
  it('opens with the two commands', () => {
    const firstBlock = readme.slice(0, 600);
    expect(firstBlock).toContain('npm install && npm start');
    expect(firstBlock).toContain('npm test');
  });
  it('has the key design, event catalogue, queues and routes of the code (run `npm run docs` after changing them)', () => {
    expect(readme).toBe(renderReadme(readme));
  });
});
