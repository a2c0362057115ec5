/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Uses allowed per key within a window. */
  limit: number;
  /** Length of the sliding window, in ms. */
  windowMs: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The answer of {@link RateLimiter.take}. */
export type RateDecision =
  | { allowed: true; remaining: number }
  /** `retryAt`: epoch ms when the key may be used again. */
  | { allowed: false; retryAt: number };

/**
 * A per-key sliding-window limit: at most `limit` uses in any `windowMs`.
 * Refused uses are not counted, so someone who waits is never punished for
 * having tried. Keys whose uses have all expired are swept once per window,
 * so memory stays bounded by the users active in the last window.
 *
 * @example
 * const limiter = new RateLimiter({ limit: 5, windowMs: 10_000 });
 * limiter.take('user-1') // => { allowed: true, remaining: 4 }
 */
export class RateLimiter {
  readonly #uses = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #lastSweep: number;

  constructor(options: RateLimiterOptions) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
    this.#lastSweep = this.#now();
  }

  /** Records a use of `key` if it is allowed now. */
  take(key: string): RateDecision {
    const now = this.#now();
    this.#sweep(now);
    const recent = this.#recent(key, now);
    if (recent.length >= this.#limit) {
      return { allowed: false, retryAt: (recent[0] ?? now) + this.#windowMs };
    }
    recent.push(now);
    this.#uses.set(key, recent);
    return { allowed: true, remaining: this.#limit - recent.length };
  }

  /** How many keys are tracked, for tests of the sweep. */
  get size(): number {
    return this.#uses.size;
  }

  #recent(key: string, now: number): number[] {
    return (this.#uses.get(key) ?? []).filter((at) => at > now - this.#windowMs);
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#windowMs) return;
    this.#lastSweep = now;
    for (const key of [...this.#uses.keys()]) {
      if (this.#recent(key, now).length === 0) this.#uses.delete(key);
    }
  }
}
