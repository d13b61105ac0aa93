/**
 * A small per-process cache of loaded values, each trusted for `ttlMs` (the same window as the
 * API key and team configuration caches, KEY_CACHE_TTL_MS). A failed load is not kept.
 */
export class TtlCache<V> {
  private entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private ttlMs: number,
    private maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    const entry = { at: Date.now(), value };
    this.entries.set(key, entry);
    value.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    return value;
  }
}
