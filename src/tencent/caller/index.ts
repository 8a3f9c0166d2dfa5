/** The Tencent caller chain: what the service wires around the client. */
export type { BreakerState, CircuitBreaker } from './breaker.js';
export type { Admission, CallBudget } from './budget.js';
export {
  type CallerChain,
  type CallerChainOptions,
  type CallerObserver,
  createCallerChain,
  DEFAULT_GUARD_MS,
  TENCENT_WINDOW_MS,
} from './chain.js';
export { type Clock, systemClock } from './clock.js';
export { outcomeCode, type TencentCallRecord } from './instrumented.js';
export type * from './types.js';
export { isRequestLimitExceeded } from './types.js';
export type { BudgetMode } from './window.js';
