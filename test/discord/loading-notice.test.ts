import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BotContext } from '../../src/discord/context.ts';
import { loadingNotice } from '../../src/discord/query.ts';
import type { LibraryState } from '../../src/library/edition-store.ts';

/** A context whose library is in `state`; loadingNotice reads nothing else. */
const contextIn = (state: LibraryState) => ({ library: { state } }) as unknown as BotContext;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The clock loadingNotice reads, fixed. */
const NOW = new Date('2026-05-16T12:00:00Z').getTime();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('loadingNotice', () => {
  it('says nothing once the articles serve', () => {
    expect(loadingNotice(contextIn({ state: 'ready' }))).toBeNull();
  });

  it('tells when the articles should be ready, when the last start says so', () => {
    const readyBy = new Date(NOW + 60_000);
    const since = new Date(NOW - 5_000);
    expect(loadingNotice(contextIn({ state: 'loading', since, readyBy }))?.content).toBe(
      `⏳ I'm still loading the articles (they should be ready <t:${seconds(readyBy)}:R>); please ask again then.`,
    );
  });

  it('tells when loading started, without an estimate or past it', () => {
    const since = new Date(NOW - 5_000);
    const past = new Date(NOW - 1_000);
    for (const readyBy of [null, past]) {
      expect(loadingNotice(contextIn({ state: 'loading', since, readyBy }))?.content).toBe(
        `⏳ I'm still loading the articles (started <t:${seconds(since)}:R>); please ask again in a moment.`,
      );
    }
  });
});
