import { afterEach, describe, expect, it, vi } from 'vitest';
import { choicesInTime } from '../../src/discord/options.ts';
import { respondInTime } from '../../src/discord/query.ts';
import { notice } from '../../src/discord/render.ts';

/** A responder that records what it was asked to do, in order. */
function recorder() {
  const calls: string[] = [];
  return {
    calls,
    responder: {
      now: async (payload: { content?: string }) => calls.push(`now ${payload.content}`),
      defer: async () => calls.push('defer'),
      later: async (payload: { content?: string }) => calls.push(`later ${payload.content}`),
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('respondInTime', () => {
  it('answers at once when the page is ready before the deferral', async () => {
    vi.useFakeTimers();
    const { calls, responder } = recorder();
    await respondInTime(Promise.resolve(notice('ready')), responder);
    expect(calls).toEqual(['now ready']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('defers a page that is late, then edits it in', async () => {
    vi.useFakeTimers();
    const { calls, responder } = recorder();
    let finish: (payload: ReturnType<typeof notice>) => void = () => {};
    const page = new Promise<ReturnType<typeof notice>>((resolve) => {
      finish = resolve;
    });
    const done = respondInTime(page, responder);
    await vi.advanceTimersByTimeAsync(1499);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['defer']);
    finish(notice('late'));
    await done;
    expect(calls).toEqual(['defer', 'later late']);
  });

  it('passes a failure on, deferred or not, for the router to apologize', async () => {
    vi.useFakeTimers();
    const { calls, responder } = recorder();
    await expect(
      respondInTime(Promise.reject(new Error('worker died')), responder),
    ).rejects.toThrow('worker died');
    let fail: (error: Error) => void = () => {};
    const page = new Promise<never>((_resolve, reject) => {
      fail = reject;
    });
    const done = respondInTime(page, responder);
    await vi.advanceTimersByTimeAsync(1500);
    fail(new Error('worker died'));
    await expect(done).rejects.toThrow('worker died');
    expect(calls).toEqual(['defer']);
  });
});

describe('choicesInTime', () => {
  it('passes choices on that come within the budget', async () => {
    vi.useFakeTimers();
    const choices = [{ name: 'Who led Ukraine', value: 'Who led Ukraine' }];
    expect(await choicesInTime(Promise.resolve(choices))).toEqual(choices);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives an empty list for choices that would come after Discord gave up', async () => {
    vi.useFakeTimers();
    const never = new Promise<Array<{ name: string; value: string }>>(() => {});
    const choices = choicesInTime(never);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await choices).toEqual([]);
  });
});
