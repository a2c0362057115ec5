import { copyFile, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoadedCorpus, loadCorpus } from '../src/corpus/load.ts';
import type { LibraryEvent } from '../src/library/audit.ts';
import { Library, type LibraryOptions } from '../src/library/library.ts';
import { reloadOnSignal, watchSeeds } from '../src/library/triggers.ts';

const SEED = '000_54ae5372d3de91ff';
const LIGHTHOUSE =
  'A team of twelve volunteers has finished restoring the Fresnel lens of the Carrow Point lighthouse, a job that took more than three years.\n' +
  'The lens, made in Paris in 1871, had been damaged when a storm broke the lantern room windows in 2018.\n';

let seeds: string;

beforeEach(async () => {
  seeds = await mkdtemp(join(tmpdir(), 'talkbot-library-'));
  for (const extension of ['.txt', '.json']) {
    await copyFile(join('seeds', `${SEED}${extension}`), join(seeds, `${SEED}${extension}`));
  }
});

afterEach(async () => {
  await rm(seeds, { recursive: true, force: true });
});

/** A loader that waits for `release()` before reading, to hold a refresh open. */
function gatedLoader() {
  let release = () => {};
  let started = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const entered = new Promise<void>((resolve) => {
    started = resolve;
  });
  let calls = 0;
  const load = async (dir: string): Promise<LoadedCorpus> => {
    calls += 1;
    // The first call is Library.open's; hold the refresh's.
    if (calls > 1) {
      started();
      await gate;
    }
    return loadCorpus(dir);
  };
  return { load, release, entered };
}

function open(options: Partial<LibraryOptions> = {}) {
  return Library.open({ seedsDir: seeds, ...options });
}

const lighthouseQuestion = 'Who restored the Fresnel lens of the lighthouse?';

describe('Library.open', () => {
  it('answers from the seed article', async () => {
    const library = await open();
    const result = await library.answer('Who led Ukraine’s delegation?');
    expect(result.answered).toBe(true);
    expect(result.results[0]?.source).toMatchObject({ article: SEED, paragraph: 22 });
  });

  it('refuses to start with no usable article, naming the files', async () => {
    await unlink(join(seeds, `${SEED}.txt`));
    await writeFile(join(seeds, 'blank.txt'), '   \n');
    await expect(open()).rejects.toThrow(/No article could be loaded .*blank\.txt: is empty/);
  });
});

describe('Library.refresh', () => {
  it('loads an article added since the start, which then answers', async () => {
    const library = await open();
    expect(
      (await library.answer(lighthouseQuestion)).results.map((r) => r.source.article),
    ).not.toContain('lighthouse');
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.articles).toEqual({ added: ['lighthouse'], removed: [], changed: [] });
    expect(report.paragraphs).toEqual({ added: 2, removed: 0 });
    expect(report).toMatchObject({ serving: { articles: 2 } });
    expect((await library.answer(lighthouseQuestion)).results[0]?.source.article).toBe(
      'lighthouse',
    );
    expect(library.sources().map((s) => s.id)).toEqual([SEED, 'lighthouse']);
  });

  it('reports removed and changed articles and paragraphs', async () => {
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    const library = await open();
    await unlink(join(seeds, 'lighthouse.txt'));
    await writeFile(
      join(seeds, `${SEED}.json`),
      JSON.stringify({ title: 'Istanbul talks', publisher: 'Sky News', published: '2025-05-16' }),
    );
    const report = await library.refresh();
    expect(report.articles).toEqual({ added: [], removed: ['lighthouse'], changed: [SEED] });
    expect(report.paragraphs).toEqual({ added: 0, removed: 2 });
    expect(library.sources()[0]?.title).toBe('Istanbul talks');
  });

  it('keeps serving the old index while a refresh runs, then swaps', async () => {
    const loader = gatedLoader();
    const library = await open({ loadCorpus: loader.load });
    const before = library.index;
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    const refreshing = library.refresh();
    await loader.entered;
    const during = await Promise.all(
      Array.from({ length: 200 }, () => library.answer(lighthouseQuestion)),
    );
    expect(library.index).toBe(before);
    for (const result of during) {
      expect(result.results.every((r) => r.source.article === SEED)).toBe(true);
    }
    loader.release();
    expect((await refreshing).status).toBe('done');
    expect(library.index).not.toBe(before);
    expect((await library.answer(lighthouseQuestion)).results[0]?.source.article).toBe(
      'lighthouse',
    );
  });

  it('answers every question asked while refreshes run, none throwing', async () => {
    for (let i = 0; i < 30; i++) {
      await writeFile(
        join(seeds, `filler-${i}.txt`),
        `Paragraph ${i} about harbour ferries, bridges and council votes number ${i}.\nAnother line on prisoners of war swapped in round ${i}.\n`,
      );
    }
    const library = await open();
    let stop = false;
    let asked = 0;
    const asking = (async () => {
      const questions = [
        'How many prisoners of war were swapped?',
        'Who led Ukraine’s delegation?',
      ];
      while (!stop) {
        for (const question of questions) {
          const result = await library.answer(question);
          expect(result.question).toBe(question);
          expect(result.results.length).toBeGreaterThan(0);
          asked += 1;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let round = 0; round < 5; round++) {
      await writeFile(join(seeds, `round-${round}.txt`), `${LIGHTHOUSE}Round ${round}.\n`);
      expect((await library.refresh()).status).toBe('done');
    }
    stop = true;
    await asking;
    expect(asked).toBeGreaterThan(10);
  });

  it('answers `busy` to a second refresh during a slow one, or waits when asked to', async () => {
    const loader = gatedLoader();
    const events: LibraryEvent[] = [];
    const library = await open({ loadCorpus: loader.load, log: (e) => events.push(e) });
    const first = library.refresh({ requestedBy: 'alice' });
    await loader.entered;
    const second = await library.refresh({ requestedBy: 'bob', guildId: 'g1' });
    expect(second.status).toBe('busy');
    expect(second).toMatchObject({ busy: 'running' });
    const third = library.refresh({ requestedBy: 'carol', whenBusy: 'wait' });
    loader.release();
    expect((await first).status).toBe('done');
    expect((await third).status).toBe('done');
    const audit = events.filter((e) => e.event === 'refresh');
    expect(audit.map((e) => [e.requestedBy, e.status])).toEqual([
      ['bob', 'busy'],
      ['alice', 'done'],
      ['carol', 'done'],
    ]);
    expect(audit[0]).toMatchObject({ guildId: 'g1' });
  });

  it('keeps the old index when no article is left, and says why', async () => {
    const library = await open();
    const before = library.index;
    await unlink(join(seeds, `${SEED}.txt`));
    await writeFile(join(seeds, 'empty.txt'), '');
    const report = await library.refresh();
    expect(report.status).toBe('failed');
    expect(report).toMatchObject({ failure: { code: 'no-articles' } });
    expect(report.problems).toEqual([{ file: 'empty.txt', reason: 'is empty' }]);
    expect(library.index).toBe(before);
    expect((await library.answer('Who led Ukraine’s delegation?')).answered).toBe(true);
  });

  it('keeps the last good version of an article whose sidecar gets a typo', async () => {
    const library = await open();
    await writeFile(join(seeds, `${SEED}.json`), '{ "title": "Istanbul talks", }');
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.articles).toEqual({ added: [], removed: [], changed: [] });
    expect(report.problems).toEqual([]);
    expect(report.kept).toEqual([
      { id: SEED, file: `${SEED}.txt`, reason: expect.stringContaining(`${SEED}.json`) },
    ]);
    expect(report.kept[0]?.reason).toContain(
      `its metadata ${SEED}.json: metadata is not valid JSON`,
    );
    expect((await library.answer('Who led Ukraine’s delegation?')).answered).toBe(true);
  });

  it('keeps the last good version of an article whose text is replaced by binary', async () => {
    const library = await open();
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    await library.refresh();
    await writeFile(join(seeds, 'lighthouse.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]));
    const report = await library.refresh();
    expect(report).toMatchObject({
      serving: { articles: 2, passages: 30 },
      kept: [{ id: 'lighthouse', file: 'lighthouse.txt', reason: 'is a binary file, not text' }],
    });
    expect((await library.answer(lighthouseQuestion)).results[0]?.source.article).toBe(
      'lighthouse',
    );
    // Still kept on the next refresh; removed once the file is deleted, as asked.
    expect((await library.refresh()).kept.map((k) => k.id)).toEqual(['lighthouse']);
    await unlink(join(seeds, 'lighthouse.txt'));
    const removed = await library.refresh();
    expect(removed.articles.removed).toEqual(['lighthouse']);
    expect(removed.kept).toEqual([]);
  });

  it('skips a new unusable file: there is no good version to keep', async () => {
    const library = await open();
    await writeFile(join(seeds, 'broken.txt'), Buffer.from([0, 1, 2]));
    const report = await library.refresh();
    expect(report.kept).toEqual([]);
    expect(report.problems).toEqual([{ file: 'broken.txt', reason: 'is a binary file, not text' }]);
    expect(report).toMatchObject({ serving: { articles: 1, passages: 28 } });
  });

  it('keeps the old index when the folder cannot be read', async () => {
    const library = await open();
    const before = library.index;
    await rm(seeds, { recursive: true });
    const report = await library.refresh();
    expect(report.status).toBe('failed');
    expect(report).toMatchObject({
      failure: { code: 'unreadable', dir: seeds, error: 'ENOENT' },
    });
    expect(library.index).toBe(before);
  });

  it('never throws: an unexpected error is reported and the old index kept', async () => {
    let calls = 0;
    const library = await open({
      loadCorpus: async (dir) => {
        const corpus = await loadCorpus(dir);
        if (++calls === 1) return corpus;
        // An article without paragraphs breaks the index build.
        return { ...corpus, articles: [{ ...corpus.articles[0], paragraphs: null } as never] };
      },
    });
    const before = library.index;
    const report = await library.refresh();
    expect(report.status).toBe('failed');
    expect(report).toMatchObject({ failure: { code: 'unexpected' } });
    expect(library.index).toBe(before);
    expect((await library.refresh()).status).toBe('failed');
  });

  it('logs one audit line per refresh with who, where, when and the result', async () => {
    const events: LibraryEvent[] = [];
    const library = await open({ log: (e) => events.push(e), now: () => Date.UTC(2025, 4, 16) });
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    await library.refresh({ requestedBy: '1234', guildId: '5678' });
    expect(events.map((e) => e.event)).toEqual(['open', 'refresh']);
    expect(events[1]).toMatchObject({
      event: 'refresh',
      at: '2025-05-16T00:00:00.000Z',
      requestedBy: '1234',
      guildId: '5678',
      status: 'done',
      articles: { added: ['lighthouse'], removed: [], changed: [] },
    });
  });

  it('survives a logger that throws', async () => {
    const library = await open({
      log: () => {
        throw new Error('log sink down');
      },
    });
    expect((await library.refresh()).status).toBe('done');
  });
});

describe('reloadOnSignal', () => {
  it('refreshes on the signal, and stops when asked', async () => {
    const events: LibraryEvent[] = [];
    const library = await open({ log: (e) => events.push(e) });
    expect((await library.refresh()).status).toBe('done');
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    const signals: LibraryEvent[] = [];
    const stop = reloadOnSignal(library, 'SIGUSR2', (e) => signals.push(e));
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      await expect.poll(() => library.sources().length).toBe(2);
      expect(signals).toMatchObject([{ event: 'signal', signal: 'SIGUSR2' }]);
      expect(events.at(-1)).toMatchObject({ requestedBy: 'SIGUSR2', status: 'done' });
    } finally {
      stop();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('runs once more after a running refresh, merging signals that arrive meanwhile', async () => {
    const loader = gatedLoader();
    const events: LibraryEvent[] = [];
    const library = await open({ loadCorpus: loader.load, log: (e) => events.push(e) });
    const stop = reloadOnSignal(library, 'SIGUSR2');
    try {
      const running = library.refresh({ requestedBy: 'moderator' });
      await loader.entered;
      for (let i = 0; i < 3; i++) process.emit('SIGUSR2', 'SIGUSR2');
      loader.release();
      await running;
      await expect
        .poll(() => events.filter((e) => e.event === 'refresh').map((e) => e.requestedBy))
        .toEqual(['moderator', 'SIGUSR2']);
    } finally {
      stop();
    }
  });
});

describe('watchSeeds', () => {
  it('refreshes shortly after an article file changes, without fetching sources', async () => {
    const events: LibraryEvent[] = [];
    const library = await open({ log: (e) => events.push(e) });
    await library.refresh();
    const stop = watchSeeds(library, { debounceMs: 20 });
    try {
      await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
      await expect.poll(() => library.sources().map((s) => s.id)).toContain('lighthouse');
      expect(events.at(-1)).toMatchObject({ requestedBy: 'seeds watcher', status: 'done' });
    } finally {
      stop();
    }
  });

  it('ignores files that are not articles', async () => {
    const events: LibraryEvent[] = [];
    const library = await open({ log: (e) => events.push(e) });
    const stop = watchSeeds(library, { debounceMs: 10 });
    try {
      await writeFile(join(seeds, 'notes.log'), 'not an article');
      await writeFile(join(seeds, '.lighthouse.txt.tmp'), LIGHTHOUSE);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events.filter((e) => e.event === 'refresh')).toEqual([]);
    } finally {
      stop();
    }
  });
});
