/**
 * Callers of the service under a fault: each cancels its own QR code (so the upstream's record says which caller's
 * call reached it) and keeps what it was answered and how long that took.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CANCEL_QR_CODE, DEMO_AGENT, type GraphQLResponse } from '../support/service.js';
import { CALLER_HEADERS } from './processes.js';
import type { UpstreamArrival } from './processes.js';

/** What the answer says about the call: Tencent answered it, it was not sent, or whether it took effect is unknown. */
export type Verdict = 'answered' | 'not sent' | 'outcome unknown' | 'no answer';

export interface Answer {
  /** The service (GraphQL endpoint) it called. */
  via: string;
  qrCodeId: string;
  /** The result's `__typename`, or why there was none (`HTTP 503`, `connection error`). */
  typename: string;
  verdict: Verdict;
  message?: string;
  retryAfterSeconds?: number;
  startedAt: number;
  answeredAt: number;
  ms: number;
}

/** A fresh 32-character QR code id, the form the emulator checks. */
export const newQrCodeId = () => randomBytes(16).toString('hex');

/** The layer's wording (src/resolvers/results.ts) is the only place an UpstreamUnavailableError says which it was. */
function verdictOf(typename: string, message: string | undefined): Verdict {
  if (typename === 'RateLimitedError') return 'not sent';
  if (typename !== 'UpstreamUnavailableError') return 'answered';
  if (message?.includes('did not reach Tencent')) return 'not sent';
  if (message?.includes('is unknown')) return 'outcome unknown';
  throw new Error(`UpstreamUnavailableError saying neither "not sent" nor "unknown": ${message}`);
}

export async function cancel(url: string, qrCodeId = newQrCodeId()): Promise<Answer> {
  const startedAt = Date.now();
  const done = (typename: string, verdict: Verdict, extra: Partial<Answer> = {}): Answer => {
    const answeredAt = Date.now();
    return { via: url, qrCodeId, typename, verdict, startedAt, answeredAt, ms: answeredAt - startedAt, ...extra };
  };
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...CALLER_HEADERS },
      body: JSON.stringify({ query: CANCEL_QR_CODE, variables: { input: { agent: DEMO_AGENT, qrCodeId } } }),
    });
  } catch (error) {
    return done('connection error', 'no answer', { message: String((error as Error).cause ?? error) });
  }
  const body = (await res.json().catch(() => ({}))) as GraphQLResponse;
  const result = body.data?.result as { __typename: string; message?: string; retryAfterSeconds?: number } | undefined;
  if (!result) return done(`HTTP ${res.status}`, 'no answer', { message: JSON.stringify(body.errors) });
  return done(result.__typename, verdictOf(result.__typename, result.message), {
    message: result.message,
    retryAfterSeconds: result.retryAfterSeconds,
  });
}

/** `count` callers at once. */
export function burst(url: string, count: number): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, () => cancel(url)));
}

export interface Load {
  /** Every answer, once all callers started have theirs. */
  answers: Promise<Answer[]>;
  /** Resolves once `count` callers have been answered in all. */
  answered(count: number): Promise<void>;
  /** How many have been answered so far. */
  readonly answeredCount: number;
}

/**
 * Callers arriving one every `everyMs` (round-robin over `urls`) until `until` settles or `max` have started:
 * bounded either way.
 */
export function steady(urls: readonly string[], everyMs: number, max: number, until: Promise<unknown>): Load {
  let stopped = false;
  void until.then(
    () => (stopped = true),
    () => (stopped = true),
  );
  const started: Promise<Answer>[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let answeredCount = 0;
  const onAnswer = () => {
    answeredCount += 1;
    for (const waiter of waiters.filter((w) => answeredCount >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const run = async () => {
    const firstAt = Date.now();
    while (!stopped && started.length < max) {
      const answer = cancel(urls[started.length % urls.length]!);
      void answer.then(onAnswer);
      started.push(answer);
      // Paced against the start, so a slow loop does not drift below the rate.
      await sleep(Math.max(0, firstAt + started.length * everyMs - Date.now()));
    }
    return Promise.all(started);
  };
  return {
    answers: run(),
    answered(count) {
      if (answeredCount >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    get answeredCount() {
      return answeredCount;
    },
  };
}

/** What the callers were answered and what reached the upstream: the figures every row of the table gives. */
export interface Figures {
  callers: number;
  byTypename: Record<string, number>;
  /** As the callers saw it, from sending the request to reading the answer. */
  maxAnswerMs: number;
  /** As the service logged it (`graphql operation` lines), from taking the request to answering it. */
  layerMaxMs?: number;
  deadlineMs: number;
  reachedUpstream: number;
  /**
   * Callers answered "not sent" whose call reached the upstream all the same (before or after the answer): must be
   * 0. Where the upstream names no call (the emulator), the arrivals beyond the calls answered otherwise.
   */
  notSentYetArrived: number;
  /** The row's own further figures. */
  notes?: string;
}

export function figures(
  answers: readonly Answer[],
  arrivals: readonly UpstreamArrival[] | number,
  deadlineMs: number,
  notes?: string,
): Figures {
  const byTypename: Record<string, number> = {};
  for (const answer of answers) byTypename[answer.typename] = (byTypename[answer.typename] ?? 0) + 1;
  const arrived = typeof arrivals === 'number' ? undefined : new Set(arrivals.map((arrival) => arrival.qrCodeId));
  const sent = answers.filter((answer) => answer.verdict === 'answered' || answer.verdict === 'outcome unknown').length;
  return {
    callers: answers.length,
    byTypename,
    maxAnswerMs: Math.max(...answers.map((answer) => answer.ms)),
    deadlineMs,
    reachedUpstream: typeof arrivals === 'number' ? arrivals : arrivals.length,
    notSentYetArrived: arrived
      ? answers.filter((answer) => answer.verdict === 'not sent' && arrived.has(answer.qrCodeId)).length
      : Math.max(0, (arrivals as number) - sent),
    ...(notes ? { notes } : {}),
  };
}
