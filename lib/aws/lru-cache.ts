/**
 * A least-recently-used cache with the part of mnemonist's LRUCache API that the SDK uses
 * (@aws-sdk/endpoint-cache, which the DynamoDB client's endpoint discovery constructs:
 * `new LRUCache(capacity)`, get, peek, set, has, clear). serverless.yml's custom.esbuild aliases
 * `mnemonist/lru-cache` to this module: mnemonist and its iterator helpers are about 7 KB of the
 * iamEvents bundle, which has a 500 KB size target. A Map keeps insertion order, so the first key
 * is the least recently used one.
 */
export default class LRUCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('LRUCache: capacity should be a positive number.');
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, marked as the most recently used. */
  get(key: K): V | undefined {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as V;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The value, without marking it used. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Set the value (most recently used), evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, value);
    return this;
  }

  clear(): void {
    this.map.clear();
  }
}
