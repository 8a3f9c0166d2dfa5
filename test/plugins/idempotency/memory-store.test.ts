import { describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../../src/plugins/idempotency/memory-store.js';

describe('MemoryIdempotencyStore', () => {
  const result = { data: { result: { __typename: 'Success' } } };

  it('replays a completed record for its lifetime and forgets it the moment it expires', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ ttlMs: 10_000, waitMs: 100 }, () => now);
    expect(await store.claim('k', 'f')).toEqual({ state: 'new' });
    await store.complete('k', 'f', result);
    now = 9_999;
    expect(await store.claim('k', 'f')).toEqual({ state: 'replay', result });
    // Within a second of the last sweep: the expired record is still forgotten.
    now = 10_000;
    expect(await store.claim('k', 'f')).toEqual({ state: 'new' });
  });

  it('sweeps expired records of other keys out of memory', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ ttlMs: 1_000, waitMs: 100 }, () => now);
    for (const key of ['a', 'b', 'c']) {
      await store.claim(key, 'f');
      await store.complete(key, 'f', result);
    }
    now = 5_000;
    await store.claim('d', 'f');
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect([...entries.keys()]).toEqual(['d']);
  });
});
