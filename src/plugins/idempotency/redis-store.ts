/**
 * Records shared by every replica, one Redis hash per key, written only by scripts that check the owner's token,
 * so a replica never renews, marks, completes or releases a claim another replica holds. Lease times are Redis's
 * clock (`TIME`), so the replicas' clocks never decide when a claim has lapsed.
 *
 * Fields: `fp` the request's fingerprint; while running `owner` (a random token) and `leaseEnd` (ms); `sent:<call>`
 * for each Tencent call marked sent; once finished, `result` (JSON) alone with `fp`.
 *
 * A running claim expires with its lease (`leaseMs`, renewed every `renewMs`), so a replica that dies before
 * sending anything frees its key within one lease. Once a call is marked sent the record lives for the TTL: a
 * repeat must then learn that the first request may have taken effect, however long its replica has been dead.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Clock, systemClock } from '../../tencent/caller/index.js';
import type { Claim, IdempotencyStore, Lease, StoredResult, StoreTimings } from './store.js';

/** Redis's clock in milliseconds. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: record. ARGV: fingerprint, token, leaseMs. Returns {'new'}, {'replay', result}, {'conflict'}, {'busy'} or
 * {'unknown', call...}. A lapsed claim that sent nothing is as good as no record: it is taken over.
 */
const CLAIM = `
${NOW}
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then
  local record, sent = {}, {}
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 5) == 'sent:' then sent[#sent + 1] = string.sub(fields[i], 6)
    else record[fields[i]] = fields[i + 1] end
  end
  local live = tonumber(record.leaseEnd or '0') > now
  if record.result or live or #sent > 0 then
    if record.fp ~= ARGV[1] then return {'conflict'} end
    if record.result then return {'replay', record.result} end
    if live then return {'busy'} end
    local reply = {'unknown'}
    for _, call in ipairs(sent) do reply[#reply + 1] = call end
    return reply
  end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'owner', ARGV[2], 'leaseEnd', now + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'new'}
`;

const OWNED = `if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end`;

/** KEYS: record. ARGV: token, leaseMs. Extends the lease; never shortens the record's life. */
const RENEW = `
${OWNED}
${NOW}
redis.call('HSET', KEYS[1], 'leaseEnd', now + tonumber(ARGV[2]))
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

/** KEYS: record. ARGV: token, call, leaseMs, ttlMs. From here on the record outlives its owner. */
const MARK_SENT = `
${OWNED}
${NOW}
redis.call('HSET', KEYS[1], 'sent:' .. ARGV[2], now, 'leaseEnd', now + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

/** KEYS: record. ARGV: token, result, ttlMs. */
const COMPLETE = `
${OWNED}
local fp = redis.call('HGET', KEYS[1], 'fp')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fp', fp, 'result', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: record. ARGV: token. */
const RELEASE = `
${OWNED}
redis.call('DEL', KEYS[1])
return 1
`;

type ClaimReply = [string, ...string[]];

interface IdempotencyCommands {
  esignIdempotencyClaim(key: string, fingerprint: string, token: string, leaseMs: number): Promise<ClaimReply>;
  esignIdempotencyRenew(key: string, token: string, leaseMs: number): Promise<number>;
  esignIdempotencyMarkSent(key: string, token: string, call: string, leaseMs: number, ttlMs: number): Promise<number>;
  esignIdempotencyComplete(key: string, token: string, result: string, ttlMs: number): Promise<number>;
  esignIdempotencyRelease(key: string, token: string): Promise<number>;
}

export interface RedisStoreOptions {
  prefix?: string;
  /** How long a claim holds its key without a renewal. */
  leaseMs?: number;
  /** How often a running request renews its claim; well below `leaseMs`, so one late renewal costs nothing. */
  renewMs?: number;
  /** How often a duplicate looks again at a running request's record. */
  pollMs?: number;
  /** Times renewals and polls (lease ends are Redis's clock). */
  clock?: Clock;
}

/** A replica that dies is taken over within this (plus one poll): see docs/reliability.md. */
export const DEFAULT_LEASE_MS = 3_000;
const DEFAULT_RENEW_MS = 1_000;
const DEFAULT_POLL_MS = 50;

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly commands: IdempotencyCommands;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly pollMs: number;
  private readonly clock: Clock;

  constructor(
    redis: Redis,
    private readonly timings: StoreTimings,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'esign:idempotency:';
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewMs = options.renewMs ?? DEFAULT_RENEW_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.clock = options.clock ?? systemClock;
    redis.defineCommand('esignIdempotencyClaim', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('esignIdempotencyRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('esignIdempotencyMarkSent', { numberOfKeys: 1, lua: MARK_SENT });
    redis.defineCommand('esignIdempotencyComplete', { numberOfKeys: 1, lua: COMPLETE });
    redis.defineCommand('esignIdempotencyRelease', { numberOfKeys: 1, lua: RELEASE });
    // defineCommand adds the methods to this client at run time; this is their shape.
    this.commands = redis as unknown as IdempotencyCommands;
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    const redisKey = this.prefix + key;
    const token = randomBytes(16).toString('hex');
    const deadline = this.clock.now() + this.timings.waitMs;
    for (;;) {
      // Each look runs the whole claim: the moment the first request's lease lapses, this one takes over or learns
      // that it had sent, instead of waiting out the rest of its wait.
      const [state, ...rest] = await this.commands.esignIdempotencyClaim(redisKey, fingerprint, token, this.leaseMs);
      switch (state) {
        case 'new':
          return { state: 'new', lease: this.leaseFor(redisKey, token) };
        case 'replay':
          return { state: 'replay', result: JSON.parse(rest[0]!) as StoredResult };
        case 'conflict':
          return { state: 'conflict' };
        case 'unknown':
          return { state: 'unknown', sent: rest.sort() };
      }
      if (this.clock.now() >= deadline) return { state: 'busy' };
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.pollMs));
    }
  }

  private leaseFor(key: string, token: string): Lease {
    const { commands, clock, leaseMs, renewMs } = this;
    const { ttlMs } = this.timings;
    let ended = false;
    let timer = clock.setTimeout(renew, renewMs);
    async function renew(): Promise<void> {
      let held = true;
      try {
        held = (await commands.esignIdempotencyRenew(key, token, leaseMs)) === 1;
      } catch {
        // Redis unreachable: the next renewal tries again; if the lease lapses meanwhile, marking a call sent fails.
      }
      if (held && !ended) timer = clock.setTimeout(renew, renewMs);
    }
    const end = () => {
      ended = true;
      clock.clearTimeout(timer);
    };
    return {
      async markSent(call) {
        if ((await commands.esignIdempotencyMarkSent(key, token, call, leaseMs, ttlMs)) !== 1) {
          throw new Error('the idempotency record was taken over by another request');
        }
      },
      async complete(result) {
        end();
        if ((await commands.esignIdempotencyComplete(key, token, JSON.stringify(result), ttlMs)) !== 1) {
          throw new Error('the idempotency record was taken over by another request');
        }
      },
      async release() {
        end();
        await commands.esignIdempotencyRelease(key, token);
      },
    };
  }
}
