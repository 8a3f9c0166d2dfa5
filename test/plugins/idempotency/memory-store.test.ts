import { describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../../src/plugins/idempotency/memory-store.js';
import type { Claim, Lease } from '../../../src/plugins/idempotency/store.js';

function leaseOf(claim: Claim): Lease {
  if (claim.state !== 'new') throw new Error(`expected a new claim, got ${claim.state}`);
  return claim.lease;
}

describe('MemoryIdempotencyStore', () => {
  const result = { data: { result: { __typename: 'Success' } } };

  it('replays a completed record for its lifetime and forgets it the moment it expires', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ ttlMs: 10_000, waitMs: 100 }, { maxRecords: 10, now: () => now });
    await leaseOf(await store.claim('k', 'f')).complete(result);
    now = 9_999;
    expect(await store.claim('k', 'f')).toEqual({ state: 'replay', result });
    // Within a second of the last sweep: the expired record is still forgotten.
    now = 10_000;
    expect(await store.claim('k', 'f')).toMatchObject({ state: 'new' });
  });

  it('sweeps expired records of other keys out of memory', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ ttlMs: 1_000, waitMs: 100 }, { maxRecords: 10, now: () => now });
    for (const key of ['a', 'b', 'c']) {
      await leaseOf(await store.claim(key, 'f')).complete(result);
    }
    now = 5_000;
    await store.claim('d', 'f');
    expect(store.size).toBe(1);
  });

  it('holds at most maxRecords: a stream of fresh keys evicts the oldest finished records, each one counted', async () => {
    let evicted = 0;
    const store = new MemoryIdempotencyStore(
      { ttlMs: 60_000, waitMs: 100 },
      { maxRecords: 100, onEvict: () => evicted++, now: () => 0 },
    );
    for (let i = 0; i < 1_000; i++) {
      await leaseOf(await store.claim(`key-${i}`, 'f')).complete(result);
    }
    expect(store.size).toBe(100);
    expect(evicted).toBe(900);
    // The newest are kept, the oldest gone (their key would run again).
    expect(await store.claim('key-999', 'f')).toEqual({ state: 'replay', result });
    expect(await store.claim('key-899', 'f')).toMatchObject({ state: 'new' });
  });

  it('evicts by finishing order and never a record whose request is still running', async () => {
    let evicted = 0;
    const store = new MemoryIdempotencyStore(
      { ttlMs: 60_000, waitMs: 100 },
      { maxRecords: 3, onEvict: () => evicted++, now: () => 0 },
    );
    await store.claim('running', 'f');
    const first = leaseOf(await store.claim('first', 'f'));
    const second = leaseOf(await store.claim('second', 'f'));
    await second.complete(result);
    await first.complete(result);
    await store.claim('third', 'f');
    // `second` finished first, so it went first; `running` was claimed earliest but is still running.
    expect(await store.claim('second', 'f')).toMatchObject({ state: 'new' });
    expect(evicted).toBe(2);
    expect(await store.claim('running', 'other')).toEqual({ state: 'conflict' });
  });
});
