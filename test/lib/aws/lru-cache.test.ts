/**
 * lib/aws/lru-cache.ts stands in for mnemonist's LRUCache in the Lambda bundles (serverless.yml
 * alias). It must behave as the SDK's endpoint cache expects: its own semantics, and the SDK's
 * EndpointCache working on top of it.
 */
import LRUCache from '../../../lib/aws/lru-cache';

jest.mock('mnemonist/lru-cache', () => jest.requireActual('../../../lib/aws/lru-cache').default);

describe('LRUCache', () => {
  it('evicts the least recently used entry when full; get marks an entry used, peek does not', () => {
    // Prepare
    const c = new LRUCache<string, number>(2);
    c.set('a', 1).set('b', 2);
    // Act
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3); // evicts b
    expect(c.peek('a')).toBe(1);
    c.set('d', 4); // evicts a: peek did not refresh it
    // Assess
    expect([c.has('a'), c.has('b'), c.has('c'), c.has('d')]).toEqual([false, false, true, true]);
    expect(c.size).toBe(2);
  });

  it('replacing a value keeps the size and refreshes the entry', () => {
    const c = new LRUCache<string, number>(2);
    c.set('a', 1).set('b', 2).set('a', 10).set('c', 3);
    expect([c.get('a'), c.has('b'), c.get('c'), c.size]).toEqual([10, false, 3, 2]);
    c.clear();
    expect([c.size, c.get('a')]).toEqual([0, undefined]);
  });

  it('rejects a capacity that is not positive, as mnemonist does', () => {
    expect(() => new LRUCache(0)).toThrow(/capacity/);
  });

  it("carries the SDK's EndpointCache (the module the alias serves)", () => {
    const { EndpointCache } = require('@aws-sdk/endpoint-cache') as typeof import('@aws-sdk/endpoint-cache');
    expect(require('mnemonist/lru-cache')).toBe(LRUCache);
    const cache = new EndpointCache(1);
    cache.set('k1', [{ Address: 'one.example', CachePeriodInMinutes: 1 }]);
    expect(cache.getEndpoint('k1')).toBe('one.example');
    cache.set('k2', [{ Address: 'two.example', CachePeriodInMinutes: 1 }]);
    expect([cache.has('k1'), cache.getEndpoint('k2')]).toEqual([false, 'two.example']);
    cache.delete('k2');
    expect(cache.has('k2')).toBe(false);
  });
});
