/**
 * The `/refresh` cooldown, kept by the Discord side per server (the operator's
 * console, SIGHUP and watcher have none), on an injected clock.
 */
import { describe, expect, it } from 'vitest';
import { RefreshCooldown } from '../../src/discord/refresh-cooldown.ts';

describe('RefreshCooldown', () => {
  it('refuses a refresh within the cooldown, until it has passed', () => {
    let now = 1_000_000;
    const cooldown = new RefreshCooldown({ cooldownMs: 30_000, now: () => now });
    expect(cooldown.check('g1')).toEqual({ allowed: true });
    cooldown.record('g1', cooldown.now());
    now += 10_000;
    expect(cooldown.check('g1')).toMatchObject({ allowed: false, retryAt: 1_030_000 });
    now += 20_000;
    expect(cooldown.check('g1')).toEqual({ allowed: true });
  });

  it('keeps the cooldown per guild, and says when to try again', () => {
    let now = 1_000_000;
    const cooldown = new RefreshCooldown({ cooldownMs: 30_000, now: () => now });
    cooldown.record('g1', cooldown.now());
    now += 1_000;
    expect(cooldown.check('g1')).toEqual({ allowed: false, retryAt: 1_030_000 });
    expect(cooldown.check('g2')).toEqual({ allowed: true });
  });

  it('counts from when the refresh started, not when it was recorded', () => {
    let now = 1_000_000;
    const cooldown = new RefreshCooldown({ cooldownMs: 30_000, now: () => now });
    const started = cooldown.now();
    now += 25_000; // a slow refresh
    cooldown.record('g1', started);
    now += 5_000;
    expect(cooldown.check('g1')).toEqual({ allowed: true });
  });

  it('never refuses with no cooldown', () => {
    const cooldown = new RefreshCooldown({ cooldownMs: 0, now: () => 5 });
    cooldown.record('g1', 5);
    expect(cooldown.check('g1')).toEqual({ allowed: true });
  });
});
