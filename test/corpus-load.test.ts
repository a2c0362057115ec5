import * as fs from 'node:fs/promises';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// The loader reads the folder listing first and each file after; wrapping
// readdir lets a test delete a file in between, as a moderator might mid-reload.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

let loadCorpus: typeof import('../src/corpus/load.ts').loadCorpus;
let Library: typeof import('../src/library/library.ts').Library;

beforeAll(async () => {
  // The unit project shares modules between files (isolate: false): import the loader afresh,
  // so that it reads through the mock above and not through a copy another file imported.
  vi.resetModules();
  ({ loadCorpus } = await import('../src/corpus/load.ts'));
  ({ Library } = await import('../src/library/library.ts'));
});

const GOOD = 'The council voted 7 to 2 to build a new bridge across the Aller River.\n';

let root: string;
let seeds: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'talkbot-corpus-'));
  seeds = join(root, 'seeds');
  await mkdir(seeds);
  await writeFile(join(seeds, 'good.txt'), GOOD);
});

afterEach(async () => {
  vi.mocked(fs.readdir).mockReset();
  await rm(root, { recursive: true, force: true });
});

/** Loads the folder and checks that the good article survived whatever else is there. */
async function load() {
  const corpus = await loadCorpus(seeds);
  expect(corpus.articles.map((a) => a.id)).toContain('good');
  return corpus;
}

async function problemFor(file: string): Promise<string | undefined> {
  const { problems } = await load();
  return problems.find((p) => p.file === file)?.reason;
}

describe('loadCorpus skips and reports bad files, loading the rest', () => {
  it('an empty file, or one of white space', async () => {
    await writeFile(join(seeds, 'empty.txt'), '');
    await writeFile(join(seeds, 'blank.md'), ' \n\t\n');
    const { problems } = await load();
    expect(problems).toEqual([
      { file: 'blank.md', reason: 'is empty' },
      { file: 'empty.txt', reason: 'is empty' },
    ]);
  });

  it('invalid UTF-8', async () => {
    await writeFile(
      join(seeds, 'latin1.txt'),
      Buffer.from('Caf\xe9 au lait on the quay.\n', 'latin1'),
    );
    expect(await problemFor('latin1.txt')).toBe('is not valid UTF-8 text; save it as UTF-8');
  });

  it('a binary file', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    ]);
    await writeFile(join(seeds, 'picture.txt'), png);
    expect(await problemFor('picture.txt')).toBe('is a binary file, not text');
  });

  it('a file over the 2 MiB cap', async () => {
    await writeFile(join(seeds, 'huge.txt'), `${'word '.repeat(420_000)}\n`);
    expect(await problemFor('huge.txt')).toBe('is 2.0 MiB, over the 2.0 MiB limit for one file');
  });

  it('metadata that is not JSON', async () => {
    await writeFile(join(seeds, 'a.txt'), GOOD);
    await writeFile(join(seeds, 'a.json'), '{"title": "Bridge",}');
    expect(await problemFor('a.txt')).toMatch(/^its metadata a\.json: metadata is not valid JSON/);
  });

  it('metadata with a bad date', async () => {
    await writeFile(join(seeds, 'a.txt'), GOOD);
    await writeFile(join(seeds, 'a.json'), '{"published": "16/05/2025"}');
    expect(await problemFor('a.txt')).toBe(
      'its metadata a.json: "published" must be a date as YYYY-MM-DD, not "16/05/2025"',
    );
  });

  it('metadata with an unknown field', async () => {
    await writeFile(join(seeds, 'a.txt'), GOOD);
    await writeFile(join(seeds, 'a.json'), '{"byline": "Dana Whitfield"}');
    expect(await problemFor('a.txt')).toBe(
      'its metadata a.json: unknown metadata field "byline"; use title, author, publisher, published, url',
    );
  });

  it('a link to a file outside the seeds folder, but not one inside it', async () => {
    await writeFile(join(root, 'secret.txt'), 'The password is hunter2, and it is long enough.\n');
    await symlink(join(root, 'secret.txt'), join(seeds, 'outside.txt'));
    await symlink(join(seeds, 'good.txt'), join(seeds, 'inside.txt'));
    const { articles, problems } = await load();
    expect(problems).toEqual([
      {
        file: 'outside.txt',
        reason: 'is a link to a file outside the seeds folder; copy the file in instead',
      },
    ]);
    expect(articles.map((a) => a.id)).toEqual(['good', 'inside']);
  });

  it('a metadata sidecar linking outside the folder', async () => {
    await writeFile(join(root, 'meta.json'), '{"title": "Borrowed"}');
    await writeFile(join(seeds, 'a.txt'), GOOD);
    await symlink(join(root, 'meta.json'), join(seeds, 'a.json'));
    expect(await problemFor('a.txt')).toBe(
      'its metadata a.json: is a link to a file outside the seeds folder; copy the file in instead',
    );
  });

  it('a file deleted between listing the folder and reading it', async () => {
    await writeFile(join(seeds, 'doomed.txt'), GOOD);
    const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    vi.mocked(fs.readdir).mockImplementationOnce((async (path: string) => {
      const names = await actual.readdir(path);
      await unlink(join(seeds, 'doomed.txt'));
      return names;
    }) as typeof fs.readdir);
    const { problems } = await load();
    expect(problems).toEqual([
      { file: 'doomed.txt', reason: 'disappeared while it was being read' },
    ]);
  });

  it('two files with the same article id', async () => {
    await writeFile(join(seeds, 'x.txt'), GOOD);
    await writeFile(join(seeds, 'x.md'), GOOD);
    const { articles, problems } = await load();
    expect(articles.filter((a) => a.id === 'x')).toHaveLength(1);
    expect(problems).toEqual([
      { file: 'x.txt', reason: 'same article id "x" as x.md; rename one of them' },
    ]);
  });

  it('ignores files that are not articles: the sources list, sidecars alone, dot files', async () => {
    await writeFile(join(seeds, 'sources.list'), '# no URLs yet\n');
    await writeFile(join(seeds, 'orphan.json'), '{"title": "No text"}');
    await writeFile(join(seeds, '.draft.txt.tmp'), GOOD);
    const { articles, problems } = await load();
    expect(articles.map((a) => a.id)).toEqual(['good']);
    expect(problems).toEqual([]);
  });
});

describe('a refresh over bad files', () => {
  it('reports each bad file by name and reason, and serves the good ones', async () => {
    const library = await Library.open({ seedsDir: seeds });
    await writeFile(join(seeds, 'empty.txt'), '');
    await writeFile(join(seeds, 'picture.md'), Buffer.from([0x00, 0x01, 0x02]));
    await writeFile(
      join(seeds, 'lighthouse.txt'),
      'Volunteers restored the Fresnel lens of the lighthouse.\n',
    );
    await writeFile(join(seeds, 'lighthouse.json'), '{"published": "yesterday"}');
    await writeFile(
      join(seeds, 'ferry.txt'),
      'The ferry timetable was cut again, the council said.\n',
    );
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.articles.added).toEqual(['ferry']);
    expect(report.problems.map((p) => p.file)).toEqual([
      'empty.txt',
      'lighthouse.txt',
      'picture.md',
    ]);
    expect(library.sources().map((s) => s.id)).toEqual(['ferry', 'good']);
  });
});
