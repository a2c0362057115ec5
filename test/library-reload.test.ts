/**
 * `Library.reloadSnapshot` and `onSnapshotSaved`: how a library (a shard)
 * picks up the snapshot another library on the same files saved after its
 * refresh, without rebuilding, and only when it matches the files.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LoadedCorpus, loadCorpus } from '../src/corpus/load.ts';
import type { LibraryEvent } from '../src/library/audit.ts';
import { Library } from '../src/library/library.ts';

const SEED = '000_54ae5372d3de91ff';
const LIGHTHOUSE = 'Volunteers restored the Fresnel lens of the Rumelifeneri lighthouse.\n';
const LIGHTHOUSE_QUESTION = 'Who restored the Fresnel lens?';

let root: string;
let seeds: string;
let snapshotPath: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'talkbot-reload-'));
  seeds = join(root, 'seeds');
  snapshotPath = join(root, 'cache', 'index.snapshot');
  await mkdir(seeds);
  for (const extension of ['.txt', '.json']) {
    await copyFile(join('seeds', `${SEED}${extension}`), join(seeds, `${SEED}${extension}`));
  }
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A library on the shared files and snapshot, with its own audit trail. */
async function openShard(options: { loadCorpus?: (dir: string) => Promise<LoadedCorpus> } = {}) {
  const events: LibraryEvent[] = [];
  const library = await Library.open({
    seedsDir: seeds,
    snapshotPath,
    log: (event) => events.push(event),
    ...options,
  });
  return { library, events };
}

const answersLighthouse = async (library: Library) =>
  (await library.answer(LIGHTHOUSE_QUESTION)).results.some(
    (r) => r.source.article === 'lighthouse',
  );

describe('Library.reloadSnapshot', () => {
  it('serves the snapshot another library saved after its refresh', async () => {
    const a = await openShard();
    const b = await openShard();
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    expect((await a.library.refresh()).status).toBe('done');
    expect(await answersLighthouse(b.library)).toBe(false);

    const before = b.library.index;
    expect(await b.library.reloadSnapshot()).toBe(true);
    expect(b.library.index).not.toBe(before);
    expect(await answersLighthouse(b.library)).toBe(true);
    expect(b.library.index.passages).toEqual(a.library.index.passages);
    expect(b.events.at(-1)).toMatchObject({
      event: 'snapshot-reload',
      path: snapshotPath,
      articles: 2,
      passages: a.library.index.passages.length,
    });
    // Once serving it, there is nothing more to load.
    expect(await b.library.reloadSnapshot()).toBe(false);
  });

  it('does nothing when it already serves the files as they are', async () => {
    const { library, events } = await openShard();
    const before = library.index;
    expect(await library.reloadSnapshot()).toBe(false);
    expect(library.index).toBe(before);
    expect(events.map((e) => e.event)).toEqual(['open']);
  });

  it('never builds: keeps serving when no snapshot matches the files', async () => {
    const { library } = await openShard();
    // New files, but the snapshot is still of the old ones (its refresh could not save).
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    const before = library.index;
    expect(await library.reloadSnapshot()).toBe(false);
    expect(library.index).toBe(before);
    expect(await answersLighthouse(library)).toBe(false);
  });

  it('does nothing without a snapshot path', async () => {
    const library = await Library.open({ seedsDir: seeds });
    expect(await library.reloadSnapshot()).toBe(false);
  });

  it('says why and keeps serving when the files cannot be read', async () => {
    let fail = false;
    const { library, events } = await openShard({
      loadCorpus: (dir) => (fail ? Promise.reject(new Error('disk gone')) : loadCorpus(dir)),
    });
    fail = true;
    expect(await library.reloadSnapshot()).toBe(false);
    expect(events.at(-1)).toMatchObject({
      event: 'snapshot-error',
      action: 'load',
      error: 'disk gone',
    });
    expect(library.sources()).toHaveLength(1);
  });

  it('leaves the new files to a refresh running in the same library', async () => {
    const a = await openShard();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let slow = false;
    const b = await openShard({
      loadCorpus: async (dir) => {
        if (slow) await gate;
        return loadCorpus(dir);
      },
    });
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    await a.library.refresh();
    slow = true;
    const refresh = b.library.refresh();
    const reload = b.library.reloadSnapshot();
    release();
    expect((await refresh).status).toBe('done');
    expect(await reload).toBe(false);
    expect(await answersLighthouse(b.library)).toBe(true);
    expect(b.events.map((e) => e.event)).not.toContain('snapshot-reload');
  });

  it('gives way to a refresh that starts while it loads, since that reads the files later', async () => {
    const a = await openShard();
    // Once slow: the first read (the reload's) waits after reading, the second (the refresh's) before.
    const gates: Array<() => void> = [];
    let slow = false;
    const gate = () => new Promise<void>((resolve) => gates.push(resolve));
    const b = await openShard({
      loadCorpus: async (dir) => {
        if (!slow) return loadCorpus(dir);
        if (gates.length === 0) {
          const corpus = await loadCorpus(dir);
          await gate();
          return corpus;
        }
        await gate();
        return loadCorpus(dir);
      },
    });
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    await a.library.refresh();
    slow = true;
    const reload = b.library.reloadSnapshot();
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    const refresh = b.library.refresh();
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    await writeFile(join(seeds, 'harbour.txt'), 'The harbour master closed the old pier.\n');
    gates[0]?.();
    expect(await reload).toBe(false);
    gates[1]?.();
    expect((await refresh).status).toBe('done');
    expect(b.library.sources().map((s) => s.id)).toEqual([SEED, 'harbour', 'lighthouse']);
    expect(b.events.map((e) => e.event)).not.toContain('snapshot-reload');
  });
});

describe('Library.onSnapshotSaved', () => {
  it('is called after each refresh that saved a snapshot, not after a failed one', async () => {
    const { library } = await openShard();
    const calls: string[] = [];
    const stop = library.onSnapshotSaved(() => calls.push('saved'));
    library.onSnapshotSaved(() => {
      throw new Error('a broken listener');
    });
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    expect((await library.refresh()).status).toBe('done');
    expect(calls).toEqual(['saved']);

    await rm(join(seeds, `${SEED}.txt`));
    await rm(join(seeds, 'lighthouse.txt'));
    expect((await library.refresh()).status).toBe('failed');
    expect(calls).toEqual(['saved']);

    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    stop();
    expect((await library.refresh()).status).toBe('done');
    expect(calls).toEqual(['saved']);
  });

  it('is not called when the snapshot could not be saved', async () => {
    const { library } = await openShard();
    const calls: string[] = [];
    library.onSnapshotSaved(() => calls.push('saved'));
    await rm(join(root, 'cache'), { recursive: true });
    await writeFile(join(root, 'cache'), 'a file where the folder was');
    await writeFile(join(seeds, 'lighthouse.txt'), LIGHTHOUSE);
    expect((await library.refresh()).status).toBe('done');
    expect(calls).toEqual([]);
  });
});
