import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/corpus/load.ts';
import type { LibraryEvent } from '../src/library/audit.ts';
import { Library } from '../src/library/library.ts';
import { buildIndex } from '../src/search/build.ts';
import { corpusHash, loadSnapshot, saveSnapshot } from '../src/search/snapshot.ts';

const SEED = '000_54ae5372d3de91ff';
const QUESTIONS = ['Who led Ukraine’s delegation?', 'How many prisoners of war were swapped?'];

let root: string;
let seeds: string;
let snapshotPath: string;
let events: LibraryEvent[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'talkbot-snapshot-'));
  seeds = join(root, 'seeds');
  snapshotPath = join(root, 'cache', 'index.snapshot');
  await mkdir(seeds);
  for (const extension of ['.txt', '.json']) {
    await copyFile(join('seeds', `${SEED}${extension}`), join(seeds, `${SEED}${extension}`));
  }
  events = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function open(path: string = snapshotPath) {
  return Library.open({
    seedsDir: seeds,
    snapshotPath: path,
    log: (event) => events.push(event),
  });
}

/** How the last `open` got its index. */
const openedFrom = () => events.filter((e) => e.event === 'open').at(-1)?.index;

const answers = (library: Library) =>
  Promise.all(
    QUESTIONS.map(async (q) =>
      (await library.answer(q)).results.map((r) => [r.source.article, r.source.paragraph]),
    ),
  );

describe('Library.open with a snapshot', () => {
  it('builds and saves on the first start, and loads the snapshot on the next', async () => {
    const first = await open();
    expect(openedFrom()).toBe('built');
    expect((await stat(snapshotPath)).size).toBeGreaterThan(0);
    const second = await open();
    expect(openedFrom()).toBe('snapshot');
    expect(second.index).not.toBe(first.index);
    expect(second.index.passages).toEqual(first.index.passages);
    expect(await answers(second)).toEqual(await answers(first));
  });

  it('rebuilds over a corrupt snapshot, and replaces it', async () => {
    await open();
    await writeFile(snapshotPath, 'this is not a snapshot');
    const library = await open();
    expect(openedFrom()).toBe('built');
    expect((await answers(library))[0]?.[0]).toEqual([SEED, 22]);
    const { articles } = await loadCorpus(seeds);
    expect(await loadSnapshot(snapshotPath, corpusHash(articles))).not.toBeNull();
  });

  it('rebuilds when the files changed since the snapshot', async () => {
    await open();
    await writeFile(join(seeds, 'lighthouse.txt'), 'Volunteers restored the Fresnel lens.\n');
    const library = await open();
    expect(openedFrom()).toBe('built');
    expect(library.sources().map((s) => s.id)).toContain('lighthouse');
  });

  it('starts even when the snapshot cannot be written, and logs why', async () => {
    await writeFile(join(root, 'a-file'), '');
    const library = await open(join(root, 'a-file', 'index.snapshot'));
    expect(library.sources()).toHaveLength(1);
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'snapshot-error', action: 'save' }),
    );
  });

  it('saves after each successful refresh, so the next start loads the new content', async () => {
    const library = await open();
    await writeFile(join(seeds, 'lighthouse.txt'), 'Volunteers restored the Fresnel lens.\n');
    expect((await library.refresh()).status).toBe('done');
    const restarted = await open();
    expect(openedFrom()).toBe('snapshot');
    expect(restarted.sources().map((s) => s.id)).toEqual([SEED, 'lighthouse']);
  });

  it('keeps the snapshot of the serving content when a refresh fails', async () => {
    await open();
    const before = (await stat(snapshotPath)).mtimeMs;
    const library = await open();
    await rm(join(seeds, `${SEED}.txt`));
    expect((await library.refresh()).status).toBe('failed');
    expect((await stat(snapshotPath)).mtimeMs).toBe(before);
  });
});

/**
 * A child process that saves an index over `path` (about 70 KB gzipped, several
 * chunks, yet quick to build on a busy machine), stalling (forever)
 * after the first chunk of the temporary file reached the disk, so it can be
 * killed in the middle of the write.
 */
const STALLING_SAVER = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const [path] = process.argv.slice(2);
const realCreateWriteStream = fs.createWriteStream;
fs.createWriteStream = (file, options) => {
  const stream = realCreateWriteStream(file, options);
  const realWrite = stream._write.bind(stream);
  let written = 0;
  stream._writev = undefined;
  stream._write = (chunk, encoding, callback) => {
    if (written++ === 0) {
      realWrite(chunk, encoding, (error) => {
        callback(error);
        process.stdout.write('midway\\n');
      });
    }
    // Every later chunk waits forever: the save is caught half done.
  };
  return stream;
};
syncBuiltinESMExports();
const { buildIndex } = await import(${JSON.stringify(pathToFileURL('src/search/build.ts').href)});
const { saveSnapshot } = await import(${JSON.stringify(pathToFileURL('src/search/snapshot.ts').href)});
let seed = 7;
const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
const word = () => Array.from({ length: 4 + (next() % 6) }, () => String.fromCharCode(97 + (next() % 26))).join('');
const articles = Array.from({ length: 20 }, (_, a) => ({
  id: 'a' + a, title: 'T' + a, titleDerived: false, publisher: null, published: null, url: null,
  paragraphs: Array.from({ length: 20 }, (_, p) => ({
    number: p + 1, text: Array.from({ length: 40 }, word).join(' ') + '.', boilerplate: null,
  })),
}));
await saveSnapshot(path, buildIndex(articles), 'hash-of-the-new-corpus');
process.stdout.write('finished\\n');
`;

describe('snapshot crash safety', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('leaves the previous snapshot intact when a save is killed midway', async () => {
    const { articles } = await loadCorpus(seeds);
    const hash = corpusHash(articles);
    await mkdir(join(root, 'cache'));
    await saveSnapshot(snapshotPath, buildIndex(articles), hash);
    const previous = await stat(snapshotPath);

    const script = join(root, 'stalling-saver.mjs');
    await writeFile(script, STALLING_SAVER);
    const saver = spawn(process.execPath, ['--import', 'tsx', script, snapshotPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = saver;
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      saver.stdout?.on('data', (data: Buffer) => {
        output.push(data.toString());
        if (output.join('').includes('midway')) resolve();
      });
      saver.on('exit', (code) => reject(new Error(`the saver exited (${code}) before midway`)));
    });
    const temporary = (await readdir(join(root, 'cache'))).filter((name) => name.endsWith('.tmp'));
    expect(temporary).toHaveLength(1);
    expect((await stat(join(root, 'cache', temporary[0] as string))).size).toBeGreaterThan(0);

    const exited = new Promise((resolve) => saver.on('exit', (_code, signal) => resolve(signal)));
    saver.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(output.join('')).not.toContain('finished');

    expect((await stat(snapshotPath)).mtimeMs).toBe(previous.mtimeMs);
    const loaded = await loadSnapshot(snapshotPath, hash);
    expect(loaded?.passages.length).toBe(buildIndex(articles).passages.length);
    expect(await loadSnapshot(snapshotPath, 'hash-of-the-new-corpus')).toBeNull();

    // The half-written temporary file is a dot file: the next start ignores it and loads the snapshot.
    await open();
    expect(openedFrom()).toBe('snapshot');
  });
});
