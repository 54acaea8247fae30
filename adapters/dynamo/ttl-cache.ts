/**
 * What a container keeps for a moment because every invocation reads it and it changes rarely (a tenant's
 * settings, its loyalty program, its segment catalogue): per key, for `ttlMs`, forgotten at once by the writer of
 * this container (other containers see a change within `ttlMs`).
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();

  constructor(private readonly ttlMs: number) {}

  /**
   * The kept value of `key`, else what `load` answers (kept when `keep` says so; by default always, undefined too).
   * `fresh`: read through whatever is kept.
   */
  async through(key: string, load: () => Promise<V>, options: { fresh?: boolean; keep?: (value: V) => boolean } = {}): Promise<V> {
    const hit = this.entries.get(key);
    if (!options.fresh && hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = await load();
    if (options.keep?.(value) ?? true) this.entries.set(key, { at: Date.now(), value });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
