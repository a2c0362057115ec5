import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/discord/rate-limit.ts';

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  const limiter = new RateLimiter({ limit: 3, windowMs: 10_000, now: () => clock.now });
  return { clock, limiter };
}

describe('RateLimiter', () => {
  it('allows `limit` uses per window and says when the next is allowed', () => {
    const { clock, limiter } = limiterAt();
    expect(limiter.take('u')).toEqual({ allowed: true, remaining: 2 });
    clock.now += 1000;
    expect(limiter.take('u')).toEqual({ allowed: true, remaining: 1 });
    clock.now += 1000;
    expect(limiter.take('u')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('u')).toEqual({ allowed: false, retryAt: 1_010_000 });
  });

  it('slides: the oldest use expiring frees one use', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 3; i++) {
      limiter.take('u');
      clock.now += 1000;
    }
    clock.now += 6_999;
    expect(limiter.take('u').allowed).toBe(false);
    clock.now += 1;
    expect(limiter.take('u')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('u').allowed).toBe(false);
  });

  it('does not count refused uses', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 3; i++) limiter.take('u');
    for (let i = 0; i < 20; i++) limiter.take('u');
    clock.now += 10_000;
    expect(limiter.take('u')).toEqual({ allowed: true, remaining: 2 });
  });

  it('limits each key on its own', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 3; i++) limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('forgets keys idle for a whole window', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 100; i++) limiter.take(`user-${i}`);
    expect(limiter.size).toBe(100);
    clock.now += 10_001;
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });
});
