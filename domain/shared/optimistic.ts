/**
 * The one optimistic read-modify-write loop. Every use case that reads an item, decides, and writes it back on
 * the condition that it did not change meanwhile runs its attempt through `untilUnchanged`:
 * 1. the attempt reads what it needs and decides (pure);
 * 2. it writes conditionally; when a concurrent writer won, it answers CHANGED and the loop reads again;
 * 3. anything else it answers (or throws) ends the loop;
 * 4. after `attempts` lost races the caller gets KeptChanging (409: an API caller repeats the request, a queue
 *    consumer's message is redelivered later), never a silent give-up.
 */
import { Conflict } from './errors.js';

/** What an attempt answers when its conditional write lost to a concurrent writer. */
export const CHANGED: unique symbol = Symbol('changed');
export type Changed = typeof CHANGED;

export class KeptChanging extends Conflict {}

export interface OptimisticOptions {
  /** Attempts before giving up (default 5). */
  attempts?: number;
  /** Wait before attempt n + 1 (n from 1): contended items spread their writers out. None by default. */
  backoffMs?: (attempt: number) => number;
  /** The message of the KeptChanging error; default `<what> kept changing; gave up after N attempts`. */
  message?: string;
}

export async function untilUnchanged<T>(what: string, attempt: (n: number) => Promise<T | Changed>, options: OptimisticOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let n = 1; n <= attempts; n++) {
    const result = await attempt(n);
    if (result !== CHANGED) return result as T;
    const wait = n < attempts ? (options.backoffMs?.(n) ?? 0) : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  throw new KeptChanging(options.message ?? `${what} kept changing; gave up after ${attempts} attempts`);
}

/** A random wait up to min(cap, base·2^n): writers racing for one item spread out. */
export const jitter =
  (baseMs: number, capMs: number) =>
  (attempt: number): number =>
    Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
