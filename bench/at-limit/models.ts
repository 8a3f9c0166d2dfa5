/**
 * Models of how Tencent might count its limit of 20 calls per second per
 * action, written from the limit's description and not from the layer's code
 * (nothing here imports src/): the layer must stay within every one of them.
 * Each decides, for one call arriving at a time (ms), whether it is accepted.
 */
export interface LimiterModel {
  readonly name: string;
  /** Calls must be offered in order of arrival. */
  accept(at: number): boolean;
}

/** At most `limit` accepted calls in any `windowMs` (a call at `t - windowMs` no longer counts at `t`). */
export function slidingWindow(limit: number, windowMs = 1_000): LimiterModel {
  const accepted: number[] = [];
  return {
    name: `sliding window (${limit} per ${windowMs} ms)`,
    accept(at) {
      while (accepted.length > 0 && accepted[0]! <= at - windowMs) accepted.shift();
      if (accepted.length >= limit) return false;
      accepted.push(at);
      return true;
    },
  };
}

/** A bucket of `capacity` tokens refilled continuously at `perSecond`; each call takes one. */
export function tokenBucket(capacity: number, perSecond: number): LimiterModel {
  let tokens = capacity;
  let last: number | undefined;
  return {
    name: `token bucket (capacity ${capacity}, ${perSecond}/s)`,
    accept(at) {
      tokens = Math.min(capacity, tokens + ((at - (last ?? at)) * perSecond) / 1000);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** Whole seconds of a clock `offsetMs` ahead of the layer's: at most `limit` in each. */
export function wholeSeconds(limit: number, offsetMs: number): LimiterModel {
  let second = Number.NaN;
  let count = 0;
  return {
    name: `whole seconds offset ${offsetMs} ms (${limit} per second)`,
    accept(at) {
      const current = Math.floor((at + offsetMs) / 1000);
      if (current !== second) {
        second = current;
        count = 0;
      }
      if (count >= limit) return false;
      count += 1;
      return true;
    },
  };
}

export const MODEL_NAMES = ['sliding', 'token-bucket', 'offset-300', 'offset-700'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** The models the layer is held to, at Tencent's documented 20 per second. */
export function modelNamed(name: ModelName, limit = 20): LimiterModel {
  switch (name) {
    case 'sliding':
      return slidingWindow(limit);
    case 'token-bucket':
      return tokenBucket(limit, limit);
    case 'offset-300':
      return wholeSeconds(limit, 300);
    case 'offset-700':
      return wholeSeconds(limit, 700);
  }
}

/** The most of `times` (ms) that fall in any `windowMs` (half-open: `[t, t + windowMs)`). */
export function busiestWindow(times: readonly number[], windowMs = 1_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}
