/** Options for {@link RefreshCooldown}. */
export interface RefreshCooldownOptions {
  /** Least time between two refreshes from one server, in ms (config `REFRESH_COOLDOWN_SECONDS`). */
  cooldownMs: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The answer of {@link RefreshCooldown.check}. */
export type CooldownDecision =
  | { allowed: true }
  /** `retryAt`: epoch ms when the server may refresh again; `/refresh`'s reply says when. */
  | { allowed: false; retryAt: number };

/**
 * How often `/refresh` may run, per Discord server: one server's moderators
 * cannot lock out another's. It is Discord's policy, not the library's: the
 * operator (console, SIGHUP, the seeds watcher) is trusted and has none.
 * A refresh counts from when it started, and only once it actually ran
 * (one refused as busy leaves the server free to try again).
 *
 * @example
 * const cooldown = new RefreshCooldown({ cooldownMs: 30_000 });
 * const started = cooldown.now();
 * cooldown.check('guild-1') // => { allowed: true }
 * cooldown.record('guild-1', started);
 * cooldown.check('guild-1').allowed // => false
 */
export class RefreshCooldown {
  readonly #lastRefreshAt = new Map<string, number>();
  readonly #cooldownMs: number;
  readonly #now: () => number;

  constructor(options: RefreshCooldownOptions) {
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The time on this cooldown's clock, for {@link record}.
   *
   * @example
   * const started = cooldown.now();
   */
  now(): number {
    return this.#now();
  }

  /**
   * Whether `guildId` may refresh now; when not, until when and why.
   *
   * @example
   * cooldown.check('guild-1') // => { allowed: false, retryAt: 1_030_000 }
   */
  check(guildId: string): CooldownDecision {
    const now = this.#now();
    const retryAt =
      (this.#lastRefreshAt.get(guildId) ?? Number.NEGATIVE_INFINITY) + this.#cooldownMs;
    return now >= retryAt ? { allowed: true } : { allowed: false, retryAt };
  }

  /**
   * Notes that `guildId` ran a refresh that started at `startedAt`.
   *
   * @example
   * cooldown.record('guild-1', started);
   */
  record(guildId: string, startedAt: number): void {
    this.#lastRefreshAt.set(guildId, startedAt);
  }
}
