/**
 * The fault suite: real processes (the compiled service, a misbehaving upstream or the emulator, redis-server)
 * driven into each fault docs/reliability.md makes a promise about, asserting what every caller was answered and
 * what reached the upstream. Each test is a row of the table `FAULT_TABLE=faults.md npx vitest run test/faults`
 * writes. (A replica killed outright with idempotency keys in flight: test/plugins/idempotency/replicas.test.ts.)
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { ServiceProcess } from '../support/process.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis.js';
import { type Answer, burst, type Figures, steady, figures as tally } from './callers.js';
import {
  type EmulatorProcess,
  type LogLine,
  logLines,
  longestOperationMs,
  readiness,
  spawnEmulator,
  spawnLayer,
  spawnUpstream,
  type UpstreamArrival,
  type UpstreamProcess,
  untilLogLine,
  useLayerAgainstUpstream,
} from './processes.js';
import { fault } from './table.js';

/**
 * How far past a deadline an answer may come. LAYER_SLACK_MS: as the service logs it (from taking the request to
 * answering), for writing the answer once the chain gave up. ANSWER_SLACK_MS: as callers see it, on a busy two-core
 * machine running every process of the row.
 */
const LAYER_SLACK_MS = 250;
const ANSWER_SLACK_MS = 2_000;

/** The row's figures; every operation the services logged since `since` kept the deadline, as callers saw too. */
function measured(
  services: readonly ServiceProcess[],
  since: number,
  answers: readonly Answer[],
  arrivals: readonly UpstreamArrival[] | number,
  deadlineMs: number,
  notes?: string,
): Figures {
  const figures = tally(answers, arrivals, deadlineMs, notes);
  const layerMaxMs = longestOperationMs(services, since);
  expect(layerMaxMs).toBeLessThanOrEqual(deadlineMs + LAYER_SLACK_MS);
  expect(figures.maxAnswerMs).toBeLessThanOrEqual(deadlineMs + ANSWER_SLACK_MS);
  return { ...figures, layerMaxMs };
}

function expectEachArrivedOnce(answers: readonly Answer[], arrivals: readonly UpstreamArrival[]): void {
  expect(arrivals.map((arrival) => arrival.qrCodeId).sort()).toEqual(answers.map((answer) => answer.qrCodeId).sort());
}

describe('a misbehaving upstream', () => {
  const TIMEOUT_MS = 1_500;
  const running = useLayerAgainstUpstream(
    {
      TENCENT_TIMEOUT_MS: String(TIMEOUT_MS),
      TENCENT_RATE_LIMIT_MAX_WAIT_MS: '500',
      // The budget and the breaker have rows of their own: here they stay out of the way.
      TENCENT_RATE_LIMIT_PER_SECOND: '100',
      TENCENT_BREAKER_FAILURES: '1000',
    },
    // A fresh process's first requests load and compile code paths: that is not what the rows measure.
    (layer) => burst(layer.url, 8),
  );

  /** `count` callers at once against the upstream behaving as `behaviour`; what they got and what arrived. */
  async function drive(behaviour: Parameters<UpstreamProcess['behave']>[0], count: number) {
    const { upstream, layer } = running();
    await upstream.behave(behaviour);
    const before = (await upstream.arrivals()).length;
    const since = Date.now();
    const answers = await burst(layer.url, count);
    const arrivals = (await upstream.arrivals()).slice(before);
    return { answers, arrivals, since };
  }

  /** Every caller answered UpstreamUnavailableError, outcome unknown, within the deadline; each call sent once. */
  async function outcomeUnknown(behaviour: Parameters<UpstreamProcess['behave']>[0], notes: string) {
    const { answers, arrivals, since } = await drive(behaviour, 8);
    for (const answer of answers) {
      expect(answer.typename).toBe('UpstreamUnavailableError');
      expect(answer.verdict).toBe('outcome unknown');
    }
    // Written, so never repeated: a retry could cancel twice what may have been cancelled.
    expectEachArrivedOnce(answers, arrivals);
    return { answers, arrivals, figures: measured([running().layer], since, answers, arrivals, TIMEOUT_MS, notes) };
  }

  fault(
    'hanging upstream (accepts, never answers)',
    'UpstreamUnavailableError (outcome unknown) at the deadline, not retried',
    async () => {
      const { answers, figures: f } = await outcomeUnknown({ kind: 'hang' }, '');
      const fastest = Math.min(...answers.map((answer) => answer.ms));
      // At the deadline, not before: the layer waited for Tencent as long as it promised.
      expect(fastest).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      return { ...f, notes: `each answered at the deadline (${fastest}–${f.maxAnswerMs} ms), each call sent once` };
    },
  );

  fault(
    'slow upstream (answers after 0.8 s, within the deadline)',
    'every call succeeds once the upstream answers',
    async () => {
      const { answers, arrivals, since } = await drive({ kind: 'slow', ms: 800 }, 8);
      for (const answer of answers) {
        expect(answer.typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
        expect(answer.ms).toBeGreaterThanOrEqual(800);
      }
      expectEachArrivedOnce(answers, arrivals);
      return measured([running().layer], since, answers, arrivals, TIMEOUT_MS, 'each call sent once');
    },
  );

  fault(
    'slow upstream (answers after 2.5 s, past the deadline)',
    'UpstreamUnavailableError (outcome unknown) at the deadline, not retried',
    async () => {
      const { figures: f } = await outcomeUnknown(
        { kind: 'slow', ms: 2_500 },
        'the late replies find the request gone; each call sent once',
      );
      return f;
    },
  );

  fault(
    'resetting upstream (TCP RST once the request is in)',
    'UpstreamUnavailableError (outcome unknown) at once, not retried',
    async () => {
      const { figures: f } = await outcomeUnknown({ kind: 'reset' }, 'each call sent once');
      expect(f.maxAnswerMs).toBeLessThan(TIMEOUT_MS);
      return f;
    },
  );

  const garbage = [
    [
      'non-JSON (HTTP 200 text/html)',
      { status: 200, contentType: 'text/html', body: '<html><body>gateway error</body></html>' },
    ],
    [
      'wrong shape (HTTP 200 JSON without Response)',
      { status: 200, contentType: 'application/json', body: '{"data":[1,2,3]}' },
    ],
    ['HTTP 502', { status: 502, contentType: 'text/plain', body: 'Bad Gateway' }],
  ] as const;
  for (const [kind, reply] of garbage) {
    fault(
      `garbage-answering upstream: ${kind}`,
      'UpstreamUnavailableError (outcome unknown) at once, not retried',
      async () => {
        const { figures: f } = await outcomeUnknown({ kind: 'garbage', ...reply }, 'each call sent once');
        expect(f.maxAnswerMs).toBeLessThan(TIMEOUT_MS);
        return f;
      },
    );
  }
});

describe('circuit breaker against a hanging upstream', () => {
  const FAILURES = 3;
  const SLOW_CALL_MS = 300;
  const COOLDOWN_MS = 2_000;
  const TIMEOUT_MS = 1_500;
  const EVERY_MS = 50;
  const running = useLayerAgainstUpstream(
    {
      TENCENT_TIMEOUT_MS: String(TIMEOUT_MS),
      TENCENT_RATE_LIMIT_MAX_WAIT_MS: '500',
      TENCENT_RATE_LIMIT_PER_SECOND: '100',
      TENCENT_BREAKER_FAILURES: String(FAILURES),
      TENCENT_BREAKER_SLOW_CALL_MS: String(SLOW_CALL_MS),
      TENCENT_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
    },
    // Warm-up: on a cold process the first calls can take longer than the slow-call threshold and open the
    // breaker; if they did, it is closed again (by a probe) before the row starts.
    async (layer) => {
      await burst(layer.url, 4);
      if ((await readiness(layer)).breakers.essbasic !== 'closed') {
        const closed = untilLogLine(layer, (line) => line.msg === 'circuit breaker closed');
        await steady([layer.url], 100, 100, closed).answers;
      }
    },
  );

  fault(
    `breaker (${FAILURES} failures, slow call ${SLOW_CALL_MS} ms, cool-down ${COOLDOWN_MS} ms), a caller every ${EVERY_MS} ms`,
    'opens on calls in flight (before any times out); refuses at once, nothing sent, for the cool-down ±10 %; one probe closes it',
    async () => {
      const { upstream, layer } = running();
      const from = (await upstream.arrivals()).length;
      await upstream.behave({ kind: 'hang' });
      const since = Date.now();
      const opened = untilLogLine(layer, (line) => line.msg === 'circuit breaker open' && line.time >= since);
      const closed = untilLogLine(layer, (line) => line.msg === 'circuit breaker closed' && line.time >= since);
      const load = steady([layer.url], EVERY_MS, 200, closed).answers;
      const open = await opened;
      // The upstream recovers while the breaker is open: the probe finds it well and closes the breaker.
      await upstream.behave({ kind: 'answer' });
      const close = await closed;
      const answers = await load;
      const arrivals = (await upstream.arrivals()).slice(from);

      const halfOpen = logLines(layer).find(
        (line) => line.msg === 'circuit breaker half-open' && line.time >= open.time,
      );
      expect(halfOpen).toBeDefined();
      const beforeOpen = arrivals.filter((arrival) => arrival.at < open.time);
      // Arriving while open: only calls let through before it opened, still on their way.
      const startedOf = new Map(answers.map((answer) => [answer.qrCodeId, answer.startedAt]));
      const inTransit = arrivals.filter((arrival) => arrival.at >= open.time && arrival.at < halfOpen!.time);
      for (const arrival of inTransit) expect(startedOf.get(arrival.qrCodeId!)).toBeLessThan(open.time);
      const [probe, ...afterProbe] = arrivals.filter((arrival) => arrival.at >= halfOpen!.time);
      expect(probe).toBeDefined();
      const openMs = probe!.at - open.time;
      // Slow calls open it, not time-outs: waiting for 3 time-outs, TIMEOUT_MS / EVERY_MS (30) or more calls would go out.
      expect(beforeOpen.length + inTransit.length).toBeGreaterThanOrEqual(FAILURES);
      expect(beforeOpen.length + inTransit.length).toBeLessThanOrEqual(
        FAILURES + Math.ceil(SLOW_CALL_MS / EVERY_MS) + 3,
      );
      // The hung calls time out during the cool-down: they must not move its clock.
      expect(openMs).toBeGreaterThanOrEqual(COOLDOWN_MS - 10);
      expect(openMs).toBeLessThanOrEqual(COOLDOWN_MS * 1.1);
      // Only the probe while half-open.
      expect(afterProbe.filter((arrival) => arrival.at < close.time)).toEqual([]);
      const refused = answers.filter((answer) => answer.message?.includes('circuit breaker open'));
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) expect(answer.verdict).toBe('not sent');
      for (const answer of answers) {
        expect(['ChannelCancelMultiFlowSignQRCodeSuccess', 'UpstreamUnavailableError']).toContain(answer.typename);
      }
      const maxRefusalMs = Math.max(...refused.map((answer) => answer.ms));
      // At once, not after waiting for the upstream.
      expect(maxRefusalMs).toBeLessThan(TIMEOUT_MS);
      return measured(
        [layer],
        since,
        answers,
        arrivals,
        TIMEOUT_MS,
        `${beforeOpen.length + inTransit.length} calls out before it opened (${inTransit.length} of them arriving just after); open ${openMs} ms (cool-down ${COOLDOWN_MS}) until the probe reached the upstream; ${refused.length} refused "circuit breaker open" within ${maxRefusalMs} ms; closed ${close.time - probe!.at} ms after the probe`,
      );
    },
  );
});

describe('SIGTERM to a replica with calls queued and in flight', () => {
  const TIMEOUT_MS = 6_000;
  const SHUTDOWN_TIMEOUT_MS = 2_500;
  const CALLERS = 8;

  /**
   * 8 callers at once against a budget of 2 a second: one call goes out at once, the next about 500 ms later, the
   * rest wait in the queue. Once two have reached the upstream, SIGTERM.
   */
  async function terminateUnderLoad(behaviour: Parameters<UpstreamProcess['behave']>[0]) {
    const upstream = await spawnUpstream(behaviour);
    const layer = await spawnLayer(upstream.url, {
      TENCENT_TIMEOUT_MS: String(TIMEOUT_MS),
      TENCENT_RATE_LIMIT_MAX_WAIT_MS: '4000',
      TENCENT_RATE_LIMIT_PER_SECOND: '2',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    try {
      const since = Date.now();
      const callers = burst(layer.url, CALLERS);
      await upstream.arrived(2);
      const exited = once(layer.child, 'exit') as Promise<[number | null]>;
      const signalledAt = Date.now();
      const stopped = layer.stop();
      const [code] = await exited;
      const exitMs = Date.now() - signalledAt;
      await stopped;
      const answers = await callers;
      // The process is gone: nothing more can reach the upstream from it.
      const arrivals = await upstream.arrivals();
      expect(code).toBe(0);
      expect(exitMs).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS);
      const sent = new Set(arrivals.map((arrival) => arrival.qrCodeId));
      const inFlight = answers.filter((answer) => sent.has(answer.qrCodeId));
      const queued = answers.filter((answer) => !sent.has(answer.qrCodeId));
      expect(inFlight).toHaveLength(2);
      // Queued ones answered at once, as not sent (shutting down, or refused by the budget before that).
      for (const answer of queued) {
        expect(answer.verdict).toBe('not sent');
        expect(answer.answeredAt - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS / 2);
      }
      for (const answer of answers) expect(answer.answeredAt).toBeLessThanOrEqual(signalledAt + exitMs);
      const queuedMs = Math.max(...queued.map((answer) => answer.answeredAt - signalledAt));
      return {
        inFlight,
        figures: measured(
          [layer],
          since,
          answers,
          arrivals,
          TIMEOUT_MS,
          `exit 0 ${exitMs} ms after SIGTERM (SHUTDOWN_TIMEOUT_MS ${SHUTDOWN_TIMEOUT_MS}); ${queued.length} queued answered "not sent" within ${queuedMs} ms of it`,
        ),
      };
    } finally {
      await layer.stop();
      await upstream.stop();
    }
  }

  fault(
    'SIGTERM, upstream answering after 1 s',
    'queued: "not sent" at once; in flight: their answer; exit 0 within SHUTDOWN_TIMEOUT_MS; nothing sent after',
    async () => {
      const { inFlight, figures: f } = await terminateUnderLoad({ kind: 'slow', ms: 1_000 });
      for (const answer of inFlight) expect(answer.typename).toBe('ChannelCancelMultiFlowSignQRCodeSuccess');
      return f;
    },
  );

  fault(
    'SIGTERM, upstream hanging',
    'queued: "not sent" at once; in flight: outcome unknown before SHUTDOWN_TIMEOUT_MS; exit 0 within it',
    async () => {
      const { inFlight, figures: f } = await terminateUnderLoad({ kind: 'hang' });
      for (const answer of inFlight) expect(answer.verdict).toBe('outcome unknown');
      return f;
    },
  );
});

describe.skipIf(!redisAvailable)('two replicas sharing a real redis-server, at the limit', () => {
  const LIMIT = 20;
  const TIMEOUT_MS = 3_000;
  let redis: RedisServer;
  let emulator: EmulatorProcess;
  let replicas: ServiceProcess[] = [];
  const urls = () => replicas.map((replica) => replica.url);

  /** Resolves once every replica has logged its budget entering `mode` at or after `since`. */
  function allIn(mode: string, since: number): Promise<LogLine[]> {
    return Promise.all(
      replicas.map((replica) =>
        untilLogLine(replica, (line) => line.msg === `call budget ${mode}` && line.time >= since, 30_000),
      ),
    );
  }

  /** The emulator's record since `from`: what it accepted and what it refused as over its limit. */
  async function tencentSide(from: number) {
    const calls = (await emulator.calls()).filter((call) => call.at >= from);
    return { calls, refused: calls.filter((call) => call.code?.startsWith('RequestLimitExceeded')).length };
  }

  /** Every caller a Tencent answer or an honest RateLimitedError. */
  function expectTyped(answers: readonly Answer[]): void {
    for (const answer of answers) {
      expect(answer.verdict === 'answered' || answer.typename === 'RateLimitedError').toBe(true);
      if (answer.typename === 'RateLimitedError') expect(answer.retryAfterSeconds).toBeGreaterThan(0);
    }
  }

  beforeAll(async () => {
    redis = await startRedis();
    emulator = await spawnEmulator();
    const env = {
      REDIS_URL: redis.url,
      TENCENT_RATE_LIMIT_PER_SECOND: String(LIMIT),
      TENCENT_TIMEOUT_MS: String(TIMEOUT_MS),
      TENCENT_RATE_LIMIT_MAX_WAIT_MS: '1500',
    };
    replicas = await Promise.all([spawnLayer(emulator.url, env), spawnLayer(emulator.url, env)]);
    await allIn('shared', 0);
    // Warm-up, as in the other groups: a fresh process's first requests are not what the rows measure.
    await Promise.all(urls().map((url) => burst(url, 4)));
  }, 30_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await emulator?.stop();
    await redis?.stop();
  });

  fault(
    `Redis up: a burst of 80 cancels, 40 on each replica, against the emulator's ${LIMIT} per any 1,000 ms`,
    'no RequestLimitExceeded at the emulator; each caller a Tencent answer or RateLimitedError with retryAfterSeconds',
    async () => {
      const from = Date.now();
      const answers = (await Promise.all(urls().map((url) => burst(url, 40)))).flat();
      const { calls, refused } = await tencentSide(from);
      expect(refused).toBe(0);
      expectTyped(answers);
      const limited = answers.filter((answer) => answer.typename === 'RateLimitedError');
      // Demand was 4 windows' worth: the limit was really reached, and refusals were honest.
      expect(limited.length).toBeGreaterThan(0);
      expect(calls.length).toBeGreaterThanOrEqual(LIMIT);
      return measured(
        replicas,
        from,
        answers,
        calls.length,
        TIMEOUT_MS,
        `${refused} RequestLimitExceeded at the emulator`,
      );
    },
    30_000,
  );

  fault(
    'Redis killed mid-load (30 cancels/s over both replicas) and restarted',
    'no RequestLimitExceeded at the emulator while each replica is alone at its share, nor after Redis is back',
    async () => {
      const from = Date.now();
      let finish!: () => void;
      const load = steady(urls(), 33, 900, new Promise<void>((resolve) => (finish = resolve)));
      try {
        await load.answered(30);
        const killedAt = Date.now();
        await redis.stop();
        const alone = await allIn('local-share', killedAt);
        const aloneAt = Math.max(...alone.map((line) => line.time));
        await load.answered(load.answeredCount + 45);
        const restartedAt = Date.now();
        redis = await startRedis(redis.port);
        const back = await allIn('shared', restartedAt);
        const backAt = Math.max(...back.map((line) => line.time));
        await load.answered(load.answeredCount + 30);
        finish();
        const answers = await load.answers;
        const { calls, refused } = await tencentSide(from);
        expect(refused).toBe(0);
        expectTyped(answers);
        const whileAlone = calls.filter((call) => call.at >= aloneAt && call.at < restartedAt);
        // Alone, each replica still served (its share), and together they stayed within the limit.
        expect(whileAlone.length).toBeGreaterThan(0);
        const aloneSeconds = (restartedAt - aloneAt) / 1000;
        const perReplica = replicas.map(
          (replica) =>
            answers.filter(
              (answer) =>
                answer.via === replica.url &&
                answer.verdict === 'answered' &&
                answer.answeredAt >= aloneAt &&
                answer.answeredAt < restartedAt,
            ).length,
        );
        return measured(
          replicas,
          from,
          answers,
          calls.length,
          TIMEOUT_MS,
          `${refused} RequestLimitExceeded; alone (local-share) ${aloneAt - killedAt} ms after the kill, for ${aloneSeconds.toFixed(1)} s: Tencent answered ${perReplica.join(' + ')} calls; shared again ${backAt - restartedAt} ms after the restart`,
        );
      } finally {
        finish();
        await load.answers;
      }
    },
    60_000,
  );
});
