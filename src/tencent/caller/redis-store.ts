/**
 * The call budget's window in Redis, shared by every replica, and what each
 * replica does when it cannot reach Redis, so that the replicas together
 * never exceed the limit in any window:
 *
 * - Each replica heartbeats into Redis; Redis gives it a share of the limit
 *   (shares never sum above it) and keeps a silent replica's share reserved
 *   for `localShareMs`, so the replicas still in touch leave it unused.
 * - Cut off, a replica first admits nothing for a full window after Redis
 *   could have noticed its silence (`isolating`): it no longer sees the
 *   others' starts. Then it admits within its share, in memory (`local-share`),
 *   for as long as Redis reserves that share; after that it refuses
 *   (`unavailable`).
 * - Back in touch, its heartbeat replays the starts it made alone into Redis,
 *   atomically with rejoining. If Redis lost its data meanwhile (a new epoch),
 *   Redis no longer knows what the others did alone: the replica waits a window,
 *   then admits through Redis and within its old share (`settling`) until every
 *   replica it knew has rejoined, or their shares can no longer be in use.
 * - A replica that has never reached Redis knows neither the others nor its
 *   share, and refuses (`unavailable`).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock, TimerHandle } from './clock.js';
import { MemoryWindows } from './memory-store.js';
import { ADMIT, DEREGISTER, HEARTBEAT, RELEASE, WRITTEN } from './redis-script.js';
import {
  type BudgetMode,
  blockedFor,
  type Candidate,
  retryDelayMs,
  type TryResult,
  type WindowStore,
} from './window.js';

export interface RedisWindowOptions {
  redis: Redis;
  limit: number;
  windowMs: number;
  /** How long a call let through may take to be written (its deadline). */
  pendingMs: number;
  clock: Clock;
  /** Key prefix (a hash tag is added around it). */
  keyPrefix?: string;
  /** How often a replica tells Redis it is alive; silent for three of these, it counts as cut off. */
  heartbeatMs?: number;
  /** How long a replica cut off from Redis may use its share (and Redis keeps it reserved). */
  localShareMs?: number;
  /** A Redis command unanswered this long counts as Redis being unreachable. */
  commandTimeoutMs?: number;
  /** How long a caller counts as waiting on a replica after that replica last offered it. */
  leaseMs?: number;
}

type Reply = (string | number)[];

interface BudgetCommands {
  esignBudgetAdmit(...args: (string | number)[]): Promise<Reply>;
  esignBudgetHeartbeat(...args: (string | number)[]): Promise<Reply>;
  esignBudgetDeregister(...args: (string | number)[]): Promise<number>;
  esignBudgetWritten(...args: (string | number)[]): Promise<number>;
  esignBudgetRelease(...args: (string | number)[]): Promise<number>;
}

class Unreachable extends Error {}

export class RedisWindowStore implements WindowStore {
  onModeChange: ((mode: BudgetMode, previous: BudgetMode) => void) | undefined;
  private current: BudgetMode = 'unavailable';
  private readonly commands: BudgetCommands;
  private readonly clock: Clock;
  readonly replicaId = randomBytes(8).toString('hex');
  private epoch: string | undefined;
  private sequence = 0;
  /** This replica's own starts, whatever admitted them: its share's log while cut off, and what it replays. */
  private readonly own: MemoryWindows;
  private readonly actions = new Set<string>();
  private share: number | undefined;
  /** The share held when contact was lost: never exceeded until every replica is known to be back. */
  private heldShare = 0;
  private lastBeatSentAt = Number.NEGATIVE_INFINITY;
  private lastBeatOkAt = Number.NEGATIVE_INFINITY;
  /** Nothing is admitted before this (clock time): the others' recent starts are not known. */
  private quietUntil = Number.NEGATIVE_INFINITY;
  /** Replicas present at the last heartbeat in `shared` mode. */
  private known: string[] = [];
  /** In `settling`: when the shares of replicas that have not rejoined can no longer be in use (clock time). */
  private settledBy = 0;
  private beatTimer: TimerHandle | undefined;
  private modeTimer: TimerHandle | undefined;
  private closed = false;
  private readonly keys: {
    replicas: string;
    shares: string;
    joined: string;
    epoch: string;
    log: (action: string) => string;
    active: (action: string) => string;
    demand: (action: string) => string;
    pace: (action: string) => string;
  };
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly localShareMs: number;
  private readonly commandTimeoutMs: number;
  private readonly leaseMs: number;
  /** A heartbeat is on its way. */
  private beating = false;

  constructor(private readonly options: RedisWindowOptions) {
    this.clock = options.clock;
    this.heartbeatMs = options.heartbeatMs ?? 1_000;
    this.ttlMs = 3 * this.heartbeatMs;
    this.localShareMs = options.localShareMs ?? 120_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 500;
    this.leaseMs = options.leaseMs ?? 2 * options.windowMs;
    // Its own log names starts as Redis does, so what it replays and later gives back or marks written matches.
    this.own = new MemoryWindows(
      options.windowMs,
      options.pendingMs,
      options.clock,
      (callerId) => `${this.replicaId}:${++this.sequence}:${callerId}`,
    );
    const tag = `{${options.keyPrefix ?? 'esign-budget'}}`;
    this.keys = {
      replicas: `${tag}:replicas`,
      shares: `${tag}:shares`,
      joined: `${tag}:joined`,
      epoch: `${tag}:epoch`,
      log: (action) => `${tag}:log:${action}`,
      active: (action) => `${tag}:active:${action}`,
      demand: (action) => `${tag}:demand:${action}`,
      pace: (action) => `${tag}:pace:${action}`,
    };
    const { redis } = options;
    redis.defineCommand('esignBudgetAdmit', { numberOfKeys: 7, lua: ADMIT });
    redis.defineCommand('esignBudgetHeartbeat', { lua: HEARTBEAT });
    redis.defineCommand('esignBudgetDeregister', { numberOfKeys: 3, lua: DEREGISTER });
    redis.defineCommand('esignBudgetWritten', { numberOfKeys: 1, lua: WRITTEN });
    redis.defineCommand('esignBudgetRelease', { numberOfKeys: 2, lua: RELEASE });
    // defineCommand adds the methods to this client at run time; this is their shape.
    this.commands = redis as unknown as BudgetCommands;
    // Connected (at start-up, or back after an outage): join at once rather than at the next heartbeat.
    redis.on('ready', this.rejoin);
    void this.beat();
  }

  private readonly rejoin = (): void => {
    if (this.closed || this.beating || this.current === 'shared' || this.current === 'settling') return;
    this.clock.clearTimeout(this.beatTimer);
    void this.beat();
  };

  get mode(): BudgetMode {
    return this.current;
  }

  /** The share of the limit Redis last gave this replica, if it ever reached Redis. */
  get localShare(): number | undefined {
    return this.share;
  }

  async tryAdmit(action: string, candidates: readonly Candidate[]): Promise<TryResult> {
    this.actions.add(action);
    const now = this.clock.now();
    const mode = this.current;
    if (now < this.quietUntil) return blockedFor(this.quietUntil - now);
    if (mode === 'local-share') return this.own.admit(action, candidates, this.heldShare);
    if (mode === 'settling') {
      const share = Math.min(this.heldShare, this.share ?? 0);
      // Within its old share: what the log says of its own starts decides first, then Redis.
      if (this.own.log(action).size >= share) return this.own.admit(action, [], share);
      return this.admitShared(action, candidates);
    }
    if (mode === 'shared') return this.admitShared(action, candidates);
    // Isolating or unavailable: the next heartbeat may change that.
    return blockedFor(this.heartbeatMs);
  }

  written(action: string, token: string): void {
    this.own.written(action, token);
    if (this.inTouch()) this.commands.esignBudgetWritten(this.keys.log(action), token).catch(() => {});
  }

  release(action: string, token: string): void {
    const { limit, windowMs } = this.options;
    this.own.release(action, token, this.current === 'local-share' ? this.heldShare : limit);
    if (this.inTouch()) {
      this.commands
        .esignBudgetRelease(this.keys.log(action), this.keys.pace(action), token, windowMs, limit)
        .catch(() => {});
    }
  }

  leave(action: string, callerIds: readonly string[]): void {
    if (!this.inTouch()) return;
    const leases = callerIds.map((callerId) => `${this.replicaId}:${callerId}`);
    const { redis } = this.options;
    redis
      .multi()
      .zrem(this.keys.active(action), ...leases)
      .hdel(this.keys.demand(action), ...leases)
      .exec()
      .catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.redis.off('ready', this.rejoin);
    this.clock.clearTimeout(this.beatTimer);
    this.clock.clearTimeout(this.modeTimer);
    if (this.options.redis.status !== 'ready') return;
    const { replicas, shares, joined } = this.keys;
    await this.run(() => this.commands.esignBudgetDeregister(replicas, shares, joined, this.replicaId)).catch(() => {});
  }

  /** Whether writes to Redis may go out: a failed one is only a start counted longer (or a lease kept longer). */
  private inTouch(): boolean {
    return (this.current === 'shared' || this.current === 'settling') && this.options.redis.status === 'ready';
  }

  private async admitShared(action: string, candidates: readonly Candidate[]): Promise<TryResult> {
    const { limit, windowMs } = this.options;
    const memberPrefix = `${this.replicaId}:${++this.sequence}`;
    const args: (string | number)[] = [
      this.keys.log(action),
      this.keys.active(action),
      this.keys.demand(action),
      this.keys.replicas,
      this.keys.shares,
      this.keys.epoch,
      this.keys.pace(action),
      this.epoch ?? '',
      this.replicaId,
      limit,
      windowMs,
      this.ttlMs,
      this.leaseMs,
      memberPrefix,
      this.options.pendingMs,
    ];
    for (const { callerId, waiting } of candidates) args.push(callerId, waiting);
    let reply: Reply;
    try {
      reply = await this.run(() => this.commands.esignBudgetAdmit(...args));
    } catch {
      this.cutOff();
      return blockedFor(Math.max(this.heartbeatMs, this.quietUntil - this.clock.now()));
    }
    if (reply[0] === 'epoch') {
      this.startSettling();
      return blockedFor(Math.max(this.heartbeatMs, this.quietUntil - this.clock.now()));
    }
    const effectiveLimit = Number(reply[1]);
    const paceInMs = Number(reply[3]);
    const index = Number(reply[4]);
    const candidate = candidates[index];
    let admitted: { index: number; token: string } | undefined;
    if (candidate) {
      const token = `${memberPrefix}:${candidate.callerId}`;
      this.own.log(action).record(this.clock.now(), candidate.callerId, token);
      admitted = { index, token };
    }
    const elsewhere = Number(reply[5]);
    const waitingElsewhere = reply.slice(6, 6 + elsewhere).map(Number);
    const expiriesMs = reply.slice(6 + elsewhere).map(Number);
    return {
      admitted,
      retryInMs: retryDelayMs(expiriesMs, effectiveLimit, paceInMs, windowMs),
      paceInMs,
      expiriesMs: () => expiriesMs,
      effectiveLimit,
      activeCallers: Number(reply[2]),
      waitingElsewhere,
    };
  }

  private async beat(): Promise<void> {
    if (this.closed) return;
    this.beating = true;
    const sentAt = this.clock.now();
    const rejoining = this.current !== 'shared' && this.current !== 'settling';
    const { limit, windowMs } = this.options;
    const logs: string[] = [];
    const replay: (string | number)[] = [];
    if (rejoining) {
      for (const action of this.actions) {
        const starts = this.own.log(action).replay(sentAt);
        logs.push(this.keys.log(action));
        replay.push(starts.length);
        for (const { ageMs, token } of starts) replay.push(ageMs, token);
      }
    }
    const { replicas, shares, joined, epoch } = this.keys;
    try {
      const reply = await this.run(() =>
        this.commands.esignBudgetHeartbeat(
          4 + logs.length,
          replicas,
          shares,
          joined,
          epoch,
          ...logs,
          this.replicaId,
          // A fresh value each time: after Redis lost its data, whoever writes first must not repeat the old one.
          randomBytes(8).toString('hex'),
          limit,
          this.ttlMs,
          this.localShareMs,
          rejoining ? 1 : 0,
          windowMs,
          ...replay,
        ),
      );
      if (!this.closed) this.beaten(reply, sentAt);
    } catch {
      if (!this.closed) this.cutOff();
    }
    this.beating = false;
    if (!this.closed) this.beatTimer = this.clock.setTimeout(() => void this.beat(), this.heartbeatMs);
  }

  private beaten(reply: Reply, sentAt: number): void {
    const epoch = String(reply[0]);
    const lostData = this.epoch !== undefined && epoch !== this.epoch;
    if (lostData) this.startSettling();
    this.epoch = epoch;
    this.share = Number(reply[1]);
    this.lastBeatSentAt = sentAt;
    this.lastBeatOkAt = this.clock.now();
    const present = new Set<string>();
    for (let i = 4; i < reply.length; i += 2) present.add(String(reply[i]));
    if (this.current === 'settling') {
      if (this.clock.now() < this.settledBy && !this.known.every((id) => present.has(id))) return;
    } else if (this.current !== 'shared') {
      // Back without Redis having lost anything: its starts (and, replayed, this replica's own) are all there.
      this.quietUntil = Number.NEGATIVE_INFINITY;
    }
    this.enter('shared');
    this.known = [...present];
  }

  /** Redis has a new epoch: whatever it knew of every replica's starts and shares is gone. */
  private startSettling(): void {
    this.quietUntil = Math.max(this.quietUntil, this.clock.now() + this.options.windowMs);
    if (this.current === 'settling') return;
    if (this.current === 'shared') this.heldShare = this.share ?? 0;
    // A replica that has not rejoined stopped using its share `localShareMs` after its last heartbeat.
    this.settledBy = this.lastBeatSentAt + this.heartbeatMs + this.localShareMs;
    this.enter('settling');
  }

  /** A command failed or timed out: this replica is cut off from Redis. */
  private cutOff(): void {
    if (this.current !== 'shared' && this.current !== 'settling') return;
    if (this.current === 'shared') this.heldShare = this.share ?? 0;
    // Redis counts this replica silent, and reserves its share, `ttlMs` after its last heartbeat.
    const silentFrom = Math.max(this.lastBeatOkAt + this.ttlMs, this.clock.now());
    this.quietUntil = Math.max(this.quietUntil, silentFrom + this.options.windowMs);
    this.enter('isolating');
    this.at(this.quietUntil, () => {
      if (this.current === 'isolating') this.alone();
    });
  }

  /** Cut off for a full window: the share is this replica's alone for as long as Redis reserves it. */
  private alone(): void {
    const end = this.lastBeatSentAt + this.localShareMs;
    if (this.clock.now() >= end) {
      this.enter('unavailable');
      return;
    }
    this.enter('local-share');
    this.at(end, () => {
      if (this.current === 'local-share') this.enter('unavailable');
    });
  }

  /** Runs `change` at `time` on the clock, never before: a timer may fire early (libuv measures from a stale loop time). */
  private at(time: number, change: () => void): void {
    this.clock.clearTimeout(this.modeTimer);
    this.modeTimer = this.clock.setTimeout(
      () => {
        this.modeTimer = undefined;
        if (this.clock.now() < time) this.at(time, change);
        else change();
      },
      Math.max(0, time - this.clock.now()),
    );
  }

  private enter(mode: BudgetMode): void {
    if (mode === this.current) return;
    const previous = this.current;
    this.current = mode;
    if (mode === 'shared' || mode === 'settling') {
      this.clock.clearTimeout(this.modeTimer);
      this.modeTimer = undefined;
    }
    this.onModeChange?.(mode, previous);
  }

  /** Runs a command unless the connection is down, and gives up on it after `commandTimeoutMs`. */
  private run<T>(command: () => Promise<T>): Promise<T> {
    if (this.options.redis.status !== 'ready') return Promise.reject(new Unreachable('not connected'));
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => reject(new Unreachable('timed out')), this.commandTimeoutMs);
      command().then(
        (value) => {
          this.clock.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.clock.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
