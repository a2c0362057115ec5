/**
 * The library on worker threads: the index is built, saved and loaded in the
 * build worker, answers come from the answer pool, a refresh swaps only when
 * the new index is ready, and a worker that dies costs one reply, never the
 * serving index.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCorpus } from '../src/corpus/load.ts';
import type { LibraryEvent } from '../src/library/audit.ts';
import { Library } from '../src/library/library.ts';
import type { EngineOutcome } from '../src/workers/engine.ts';
import { workerExecArgv } from '../src/workers/pool.ts';
import { WorkerEngine } from '../src/workers/worker-engine.ts';
import { gate, hold, reached, release } from './worker-gates.ts';

const SEED = '000_54ae5372d3de91ff';
const LIGHTHOUSE =
  'A team of twelve volunteers has finished restoring the Fresnel lens of the Carrow Point lighthouse, a job that took more than three years.\n' +
  'The lens, made in Paris in 1871, had been damaged when a storm broke the lantern room windows in 2018.\n';
const LIGHTHOUSE_QUESTION = 'Who restored the Fresnel lens of the lighthouse?';
const DELEGATION_QUESTION = 'Who led Ukraine’s delegation?';

let seeds: string;
const opened: Library[] = [];

beforeEach(async () => {
  seeds = await mkdtemp(join(tmpdir(), 'talkbot-workers-'));
  for (const extension of ['.txt', '.json']) {
    await copyFile(join('seeds', `${SEED}${extension}`), join(seeds, `${SEED}${extension}`));
  }
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((library) => library.close()));
  await rm(seeds, { recursive: true, force: true });
});

function startLibrary(options: { gates?: { build?: Int32Array; answer?: Int32Array } } = {}) {
  const events: LibraryEvent[] = [];
  const engine = new WorkerEngine({ answerWorkers: 1, ...options });
  const library = Library.start({
    seedsDir: seeds,
    engine,
    log: (event) => events.push(event),
  });
  opened.push(library);
  return { library, engine, events };
}

const answersLighthouse = async (library: Library) =>
  (await library.answer(LIGHTHOUSE_QUESTION)).results.some(
    (r) => r.source.article === 'lighthouse',
  );

describe('workerExecArgv', () => {
  it('registers tsx’s loader and passes none of the process’s own flags', () => {
    const flags = workerExecArgv();
    expect(flags).toHaveLength(2);
    expect(flags[0]).toBe('--import');
    expect(flags[1]).toMatch(
      /^data:text\/javascript,import\{register\}from"file:.*tsx.*";register\(\);$/,
    );
  });
});

// Each test starts a build and an answer worker (tsx's loader, the corpus, WordNet), and a refresh
// loads the new edition into the answer worker: seconds on a quiet machine, over 20 s at a load
// average of 15. The time-out is a safety net for a hang, not what these tests measure; the order
// of events is fixed by gates.
describe('Library on worker threads', { timeout: 60_000 }, () => {
  it('starts loading at once, then answers, searches and completes from the workers', async () => {
    const { library, events } = startLibrary();
    expect(library.state.state).toBe('loading');
    expect(library.sources()).toEqual([]);
    await library.ready;
    expect(library.state.state).toBe('ready');
    expect(() => library.index).toThrow(/worker threads/);
    const answer = await library.answer(DELEGATION_QUESTION);
    expect(answer.results[0]?.source).toMatchObject({ article: SEED, paragraph: 22 });
    expect((await library.search('prisoners')).answered).toBe(true);
    expect(await library.completeQuery('Who led Ukr')).toContain('Who led Ukraine');
    expect((await library.article(SEED))?.paragraphs.length).toBeGreaterThan(20);
    expect(await library.article('nope')).toBeUndefined();
    expect(library.sources().map((s) => s.id)).toEqual([SEED]);
    expect(events.find((e) => e.event === 'open')).toMatchObject({ index: 'built' });
  });

  it('serves the old index while a refresh builds, and the new one once it is swapped in', async () => {
    const build = gate();
    const { library } = startLibrary({ gates: { build } });
    await library.ready;
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    hold(build);
    const refreshing = library.refresh();
    await reached(build);
    expect(await answersLighthouse(library)).toBe(false);
    expect(library.sources().map((s) => s.id)).toEqual([SEED]);
    release(build);
    const report = await refreshing;
    expect(report.status).toBe('done');
    expect(report.articles.added).toEqual(['lighthouse']);
    expect(await answersLighthouse(library)).toBe(true);
    expect(library.sources().map((s) => s.id)).toEqual([SEED, 'lighthouse']);
  });

  it('updates the index it holds on a refresh, and answers as a fresh build of the files', async () => {
    const engine = new WorkerEngine({ answerWorkers: 1 });
    const prepare = vi.spyOn(engine, 'prepare');
    const library = Library.start({ seedsDir: seeds, engine });
    opened.push(library);
    await library.ready;
    const refreshedFrom = async () => {
      expect((await library.refresh()).status).toBe('done');
      const outcome = (await prepare.mock.results.at(-1)?.value) as EngineOutcome;
      return outcome.status === 'ready' ? outcome.edition.from : outcome.status;
    };
    const sameAsFresh = async () => {
      // Built on threads of its own: wink-nlp's tokenizer keeps words it has read whole
      // ("Ukraine's"), so a build on this thread would depend on the test files run before it.
      const fresh = await Library.open({
        seedsDir: seeds,
        engine: new WorkerEngine({ answerWorkers: 1 }),
      });
      opened.push(fresh);
      for (const question of [
        LIGHTHOUSE_QUESTION,
        DELEGATION_QUESTION,
        'When was the lens made?',
      ]) {
        expect(await library.answer(question)).toEqual(await fresh.answer(question));
      }
    };
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    expect(await refreshedFrom()).toBe('updated');
    await sameAsFresh();
    await writeFile(
      join(seeds, 'lighthouse.txt'),
      `${LIGHTHOUSE}The lens was first lit again on 4 May 2023, by the youngest volunteer.\n`,
    );
    expect(await refreshedFrom()).toBe('updated');
    await sameAsFresh();
    expect(await refreshedFrom()).toBe('updated');
    await rm(join(seeds, 'lighthouse.txt'));
    expect(await refreshedFrom()).toBe('updated');
    await sameAsFresh();
    // A new build worker holds no index: it builds afresh, then updates again.
    await Promise.all(engine.threads.build.map((worker) => worker.terminate()));
    expect(await refreshedFrom()).toBe('built');
    expect(await refreshedFrom()).toBe('updated');
  });

  it('keeps serving and says so when the build worker dies during a refresh', async () => {
    const build = gate();
    const { library, engine } = startLibrary({ gates: { build } });
    await library.ready;
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    hold(build);
    const refreshing = library.refresh();
    await reached(build);
    await Promise.all(engine.threads.build.map((worker) => worker.terminate()));
    const report = await refreshing;
    expect(report).toMatchObject({
      status: 'failed',
      failure: {
        code: 'builder-stopped',
        error: expect.stringMatching(/^the index builder stopped/),
      },
    });
    expect((await library.answer(DELEGATION_QUESTION)).answered).toBe(true);
    expect(await answersLighthouse(library)).toBe(false);
    // A new build worker takes the next refresh.
    release(build);
    expect((await library.refresh()).status).toBe('done');
    expect(await answersLighthouse(library)).toBe(true);
  });

  it('fails only the question an answer worker held when it died, and replaces the worker', async () => {
    const answer = gate();
    const { library, engine } = startLibrary({ gates: { answer } });
    await library.ready;
    expect((await library.answer(DELEGATION_QUESTION)).answered).toBe(true);
    hold(answer);
    const asked = library.answer(DELEGATION_QUESTION);
    await reached(answer);
    await Promise.all(engine.threads.answer.map((worker) => worker.terminate()));
    await expect(asked).rejects.toThrow();
    release(answer);
    expect((await library.answer(DELEGATION_QUESTION)).answered).toBe(true);
  });

  it('saves the snapshot another library then loads without building', async () => {
    const snapshotPath = join(seeds, '.cache', 'index.snapshot');
    const first = Library.start({
      seedsDir: seeds,
      snapshotPath,
      engine: new WorkerEngine({ answerWorkers: 1 }),
    });
    opened.push(first);
    await first.ready;
    const events: LibraryEvent[] = [];
    const second = Library.start({
      seedsDir: seeds,
      snapshotPath,
      engine: new WorkerEngine({ answerWorkers: 1 }),
      log: (event) => events.push(event),
    });
    opened.push(second);
    await second.ready;
    expect(events.find((e) => e.event === 'open')).toMatchObject({ index: 'snapshot' });
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    expect((await first.refresh()).status).toBe('done');
    expect(await second.reloadSnapshot()).toBe(true);
    expect(await answersLighthouse(second)).toBe(true);
    expect(events.map((e) => e.event)).toEqual(['open', 'snapshot-reload']);
  });

  it('refuses to start on a folder with no article, and says why', async () => {
    await rm(join(seeds, `${SEED}.txt`));
    const { library } = startLibrary();
    await expect(library.ready).rejects.toThrow(/No article could be loaded/);
    expect(library.state).toMatchObject({ state: 'failed' });
  });
});

describe('the loading estimate', () => {
  it('tells when loading should end from how long the last start took, and records this one', async () => {
    const snapshotPath = join(seeds, '.cache', 'index.snapshot');
    await mkdir(join(seeds, '.cache'));
    await writeFile(`${snapshotPath}.load-ms`, '5000\n');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const library = Library.start({
      seedsDir: seeds,
      snapshotPath,
      now: () => 1_000_000,
      loadCorpus: async (dir) => {
        await held;
        return loadCorpus(dir);
      },
    });
    opened.push(library);
    await vi.waitFor(() => {
      expect(library.state).toEqual({
        state: 'loading',
        since: new Date(1_000_000),
        readyBy: new Date(1_005_000),
      });
    });
    release();
    await library.ready;
    await vi.waitFor(async () => {
      expect(await readFile(`${snapshotPath}.load-ms`, 'utf8')).toBe('0\n');
    });
  });
});
