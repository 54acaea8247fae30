/**
 * The shared browser of the end-to-end tests: Debian's chromium (`apt-get install chromium`; Playwright's
 * own download does not work on these machines), driven by playwright-core. Launched on first use and kept
 * for the rest of the worker, so a run starts it once; every test gets a fresh context (cookies, storage).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and traces of the e2e tests (git-ignored). */
export const TEST_OUTPUT = join(process.cwd(), 'test-output', 'e2e');

let launched: Promise<Browser> | undefined;

export function sharedBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(TEST_OUTPUT, { recursive: true });
  launched ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  return launched;
}

export async function closeSharedBrowser(): Promise<void> {
  const browser = await launched;
  launched = undefined;
  await browser?.close();
}
