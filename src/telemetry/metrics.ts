/**
 * The service's Prometheus metrics, in a registry of its own: GraphQL
 * operations, Tencent calls, the call budget's queue and waits, the circuit
 * breakers, idempotency, Redis, what is running, and Node's default process metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BUILD } from './build.js';
import type { BreakerState, BudgetMode } from '../tencent/caller/index.js';
import { SERVICES, type Service } from '../tencent/endpoints.js';

/** What the caller chain exposes to be watched: read at each scrape. */
export interface ReliabilitySources {
  breakers: Readonly<Record<Service, { readonly state: BreakerState }>>;
  /** Absent when the layer's limiter is off. */
  budget?: { queueDepth(action: string): number; readonly mode: BudgetMode } | undefined;
}

const BUDGET_MODES: readonly BudgetMode[] = ['local', 'shared', 'settling', 'isolating', 'local-share', 'unavailable'];

/** An idempotency store that holds its records in this process, watched at each scrape. */
export interface IdempotencyRecords {
  readonly size: number;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];

/**
 * Label values chosen by clients (operation names) or by the far side (error
 * codes) are kept up to a limit, then reported as `other`, so a stream of
 * new names cannot grow the series without bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(value);
    return value;
  }
}

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new BoundedLabel(100);
  private readonly codes = new BoundedLabel(200);
  /** Actions the budget has admitted: the ones whose queue depth is reported. */
  private readonly actions = new Set<string>();
  private sources: ReliabilitySources | undefined;
  private idempotencyRecords: IdempotencyRecords | undefined;

  private readonly operations: Counter<'operation' | 'type' | 'result'>;
  private readonly operationSeconds: Histogram<'operation' | 'type'>;
  private readonly tencentCalls: Counter<'service' | 'action' | 'code'>;
  private readonly tencentSeconds: Histogram<'service' | 'action'>;
  private readonly limiterWaitSeconds: Histogram<'action'>;
  private readonly breakerTransitions: Counter<'service' | 'state'>;
  private readonly authRefusals: Counter<'reason'>;
  private readonly idempotencyEvictions: Counter;
  private readonly idempotencyReplays: Counter;
  private readonly idempotencyRefusals: Counter<'reason'>;
  private readonly credentialRenewals: Counter<'provider' | 'result'>;
  private readonly credentialExpiry: Gauge<'provider'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.operations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by operation name, type and result (the `__typename` of each mutation result; `data` or `errors` otherwise)',
      labelNames: ['operation', 'type', 'result'],
      registers,
    });
    this.operationSeconds = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time to answer a GraphQL operation, Tencent calls included',
      labelNames: ['operation', 'type'],
      registers,
    });
    this.tencentCalls = new Counter({
      name: 'tencent_calls_total',
      help: 'Calls sent to Tencent by action and code (`OK`, Tencent’s error code, or `upstream:<reason>` when no answer came)',
      labelNames: ['service', 'action', 'code'],
      registers,
    });
    this.tencentSeconds = new Histogram({
      name: 'tencent_call_duration_seconds',
      help: 'Latency of one call to Tencent, each retry counted on its own',
      labelNames: ['service', 'action'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.limiterWaitSeconds = new Histogram({
      name: 'tencent_limiter_wait_seconds',
      help: 'Time a call waited for the per-action call budget before it was let through',
      labelNames: ['action'],
      buckets: [0.001, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.breakerTransitions = new Counter({
      name: 'tencent_circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes by service and the state entered',
      labelNames: ['service', 'state'],
      registers,
    });
    this.authRefusals = new Counter({
      name: 'graphql_auth_refusals_total',
      help: 'Requests refused by caller authentication, by reason (`missing`, `ambiguous`, `invalid`, `expired`, `unavailable`)',
      labelNames: ['reason'],
      registers,
    });
    this.idempotencyEvictions = new Counter({
      name: 'idempotency_records_evicted_total',
      help: 'Idempotency records dropped before their time because the in-memory store was full (oldest first)',
      registers,
    });
    this.credentialRenewals = new Counter({
      name: 'tencent_credential_refreshes_total',
      help: 'Temporary Tencent credentials fetched, by provider (`assume-role`, `tke-oidc`, `cvm-role`) and result (`ok`, `failed`)',
      labelNames: ['provider', 'result'],
      registers,
    });
    this.credentialExpiry = new Gauge({
      name: 'tencent_credentials_expiry_timestamp_seconds',
      help: 'When the temporary Tencent credentials in use expire (Unix time), by provider',
      labelNames: ['provider'],
      registers,
    });
    this.idempotencyReplays = new Counter({
      name: 'idempotency_replays_total',
      help: 'Requests answered with an earlier result of their Idempotency-Key, without calling Tencent',
      registers,
    });
    this.idempotencyRefusals = new Counter({
      name: 'idempotency_refusals_total',
      help: 'Requests with an Idempotency-Key refused, by reason (`BAD_IDEMPOTENCY_KEY`, `IDEMPOTENCY_KEY_REUSED`, `IDEMPOTENCY_KEY_IN_USE`, `IDEMPOTENCY_UNAVAILABLE`)',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'esign_graphql_build_info',
      help: 'Always 1; its labels say what is running: the package version and Node’s',
      labelNames: ['version', 'node'],
      registers,
    }).set({ version: BUILD.version, node: BUILD.node }, 1);
    const metrics = this;
    new Gauge({
      name: 'idempotency_records',
      help: 'Idempotency records held in this process (in-memory store only)',
      registers,
      collect() {
        const records = metrics.idempotencyRecords;
        if (records) this.set(records.size);
      },
    });
    new Gauge({
      name: 'tencent_limiter_queue_depth',
      help: 'Calls waiting for the per-action call budget',
      labelNames: ['action'],
      registers,
      collect() {
        const budget = metrics.sources?.budget;
        if (!budget) return;
        for (const action of metrics.actions) this.set({ action }, budget.queueDepth(action));
      },
    });
    new Gauge({
      name: 'tencent_limiter_mode',
      help: 'How the call budget admits calls: 1 for the current mode (`local`, `shared` through Redis, `settling`, `isolating`, `local-share` while Redis is unreachable, `unavailable`), 0 for the others',
      labelNames: ['mode'],
      registers,
      collect() {
        const budget = metrics.sources?.budget;
        if (!budget) return;
        for (const mode of BUDGET_MODES) this.set({ mode }, budget.mode === mode ? 1 : 0);
      },
    });
    new Gauge({
      name: 'tencent_circuit_breaker_state',
      help: 'Circuit breaker state per service: 1 for the current state, 0 for the others',
      labelNames: ['service', 'state'],
      registers,
      collect() {
        const breakers = metrics.sources?.breakers;
        if (!breakers) return;
        for (const service of SERVICES) {
          for (const state of BREAKER_STATES) this.set({ service, state }, breakers[service].state === state ? 1 : 0);
        }
      },
    });
  }

  /** Reads queue depth, budget mode and breaker states from the caller chain at each scrape. */
  watch(sources: ReliabilitySources): void {
    this.sources = sources;
  }

  /** Reads the in-memory idempotency store's size at each scrape. */
  watchIdempotency(records: IdempotencyRecords): void {
    this.idempotencyRecords = records;
  }

  /** Reads whether Redis is ready at each scrape; without Redis the series is absent (an unlabelled gauge would read 0). */
  watchRedis(ready: () => boolean): void {
    new Gauge({
      name: 'redis_up',
      help: 'Whether the Redis connection (`REDIS_URL`) is ready: 1, or 0 while it is unreachable; absent without Redis',
      registers: [this.registry],
      collect() {
        this.set(ready() ? 1 : 0);
      },
    });
  }

  operationFinished(operation: string, type: string, results: readonly string[], seconds: number): void {
    const name = this.operationNames.of(operation);
    // Label objects written out: spreading one into another costs more than the counting.
    for (const result of results) this.operations.inc({ operation: name, type, result });
    this.operationSeconds.observe({ operation: name, type }, seconds);
  }

  tencentCallFinished(service: Service, action: string, code: string, seconds: number): void {
    this.tencentCalls.inc({ service, action, code: this.codes.of(code) });
    this.tencentSeconds.observe({ service, action }, seconds);
  }

  /** For `CallerObserver.limiterAdmitted`. */
  readonly limiterAdmitted = (action: string, waitedMs: number): void => {
    this.actions.add(action);
    this.limiterWaitSeconds.observe({ action }, waitedMs / 1000);
  };

  breakerChanged(service: Service, state: BreakerState): void {
    this.breakerTransitions.inc({ service, state });
  }

  readonly authRefused = (reason: string): void => {
    this.authRefusals.inc({ reason });
  };

  readonly idempotencyEvicted = (): void => {
    this.idempotencyEvictions.inc();
  };

  idempotencyReplayed(): void {
    this.idempotencyReplays.inc();
  }

  idempotencyRefused(reason: string): void {
    this.idempotencyRefusals.inc({ reason });
  }

  credentialsRefreshed(provider: string, expiresAt: number): void {
    this.credentialRenewals.inc({ provider, result: 'ok' });
    this.credentialExpiry.set({ provider }, expiresAt / 1000);
  }

  credentialsRefreshFailed(provider: string): void {
    this.credentialRenewals.inc({ provider, result: 'failed' });
  }
}
