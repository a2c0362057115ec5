import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answer, searchPassages } from '../src/answer/answer.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import type { Article } from '../src/corpus/types.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { corpusHash, loadSnapshot, saveSnapshot } from '../src/search/snapshot.ts';

const QUESTIONS = [
  "Who led Ukraine's delegation?",
  'How many prisoners of war were swapped?',
  'What did China say?',
  'ceasefire agreement outcome',
  'how long was the meetin lol',
  'Zelensky Putin meeting',
  'Did the wheat harvest improve?',
];

/** A second article beside the seed: no metadata, a boilerplate line, a comma-heavy header. */
const EXTRA: Article = {
  id: 'extra-1',
  title: 'Grain exports, the Black Sea and Ukraine',
  titleDerived: false,
  publisher: null,
  published: null,
  url: null,
  paragraphs: [
    { number: 1, text: 'Read more:', boilerplate: 'label' },
    {
      number: 2,
      text: 'Wheat exports through the Black Sea rose after the harvest, officials said.',
      boilerplate: null,
    },
    {
      number: 3,
      text: 'Żółć and naïve café owners in Kyiv welcomed the news. 🌾',
      boilerplate: null,
    },
  ],
};

let articles: Article[];
let index: SearchIndex;
let hash: string;
let dir: string;

beforeAll(async () => {
  articles = [...(await loadCorpus('seeds')).articles, EXTRA];
  index = buildIndex(articles);
  hash = corpusHash(articles);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'talkbot-snapshot-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('corpusHash', () => {
  it('is a sha256 hex that depends only on content', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(corpusHash(structuredClone(articles))).toBe(hash);
  });

  it('changes with any paragraph, metadata or boilerplate change', () => {
    const edits: Array<(article: Article) => void> = [
      (a) => {
        a.paragraphs[1] = { number: 2, text: 'Wheat exports fell.', boilerplate: null };
      },
      (a) => {
        a.publisher = 'Reuters';
      },
      (a) => {
        a.url = 'https://example.com/grain';
      },
      (a) => {
        a.paragraphs[0] = { number: 1, text: 'Read more:', boilerplate: null };
      },
      (a) => {
        a.id = 'extra-2';
      },
    ];
    const hashes = edits.map((edit) => {
      const copy = structuredClone(articles);
      edit(copy[copy.length - 1] as Article);
      return corpusHash(copy);
    });
    expect(new Set([hash, ...hashes]).size).toBe(edits.length + 1);
    expect(corpusHash(articles.slice(0, -1))).not.toBe(hash);
  });
});

describe('saveSnapshot and loadSnapshot', () => {
  it('round-trips an index that answers exactly like the one built', async () => {
    const path = join(dir, 'index.snapshot');
    await saveSnapshot(path, index, hash);
    const loaded = await loadSnapshot(path, hash);
    expect(loaded).not.toBeNull();
    if (!loaded) return;
    expect(loaded.articles).toEqual(index.articles);
    expect(loaded.passages).toEqual(index.passages);
    expect([...loaded.vocabulary.entries()]).toStrictEqual([...index.vocabulary.entries()]);
    expect(loaded.vocabulary.fuzzyGet('ukrain', 2)).toStrictEqual(
      index.vocabulary.fuzzyGet('ukrain', 2),
    );
    // Same terms, postings and tree layout, so ties come out in the same order.
    expect(JSON.stringify(loaded.engine)).toBe(JSON.stringify(index.engine));
    expect(loaded.initialisms).toEqual(index.initialisms);
    for (const question of QUESTIONS) {
      expect(answer(loaded, question, { limit: 5 })).toEqual(answer(index, question, { limit: 5 }));
      expect(searchPassages(loaded, question)).toEqual(searchPassages(index, question));
    }
    expect(answer(loaded, "Who led Ukraine's delegation?").results[0]?.source.paragraph).toBe(22);
    expect(answer(loaded, 'wheat exports').results[0]?.source).toMatchObject({
      article: 'extra-1',
      paragraph: 2,
      publisher: null,
    });
    // Passages share their article's metadata instead of each holding a copy.
    expect(loaded.passages[0]?.article).toBe(loaded.passages[1]?.article);
  });

  it('returns null for a missing file', async () => {
    expect(await loadSnapshot(join(dir, 'none.snapshot'), hash)).toBeNull();
  });

  it('returns null when the file was saved for another corpus', async () => {
    const path = join(dir, 'index.snapshot');
    await saveSnapshot(path, index, hash);
    expect(await loadSnapshot(path, corpusHash(articles.slice(0, 1)))).toBeNull();
  });

  it('settles with null when a snapshot too large to read at once is of another corpus', async () => {
    // Large enough that reading stops long before the end of the file.
    const words = ['grain', 'harbour', 'convoy', 'tariff', 'ledger', 'quota', 'vessel', 'levy'];
    const long: Article = {
      ...EXTRA,
      id: 'long',
      paragraphs: Array.from({ length: 3000 }, (_, i) => ({
        number: i + 1,
        text: `Report ${i}: ${Array.from({ length: 30 }, (_, j) => `${words[(i * 7 + j * j) % 8]}${(i * j) % 97}`).join(' ')}.`,
        boilerplate: null,
      })),
    };
    const path = join(dir, 'index.snapshot');
    await saveSnapshot(path, buildIndex([long]), corpusHash([long]));
    expect(await loadSnapshot(path, hash)).toBeNull();
  });

  it('returns null for a damaged, truncated or malformed file', async () => {
    const path = join(dir, 'index.snapshot');
    await saveSnapshot(path, index, hash);
    const bytes = await readFile(path);
    const lines = gunzipSync(bytes).toString('utf8').split('\n');
    const damaged: Array<[string, Buffer]> = [
      ['empty', Buffer.alloc(0)],
      ['not gzip', Buffer.from('{"format":"talkbot-index-snapshot"}\n')],
      ['truncated', bytes.subarray(0, Math.floor(bytes.length / 2))],
      ['flipped byte', Buffer.from(bytes.map((b, i) => (i === bytes.length >> 1 ? b ^ 0xff : b)))],
      ['bad JSON', gzipSync(lines.map((l, i) => (i === 2 ? l.slice(0, -3) : l)).join('\n'))],
      ['no end marker', gzipSync(`${lines.slice(0, -2).join('\n')}\n`)],
      ['passage of no article', gzipSync(replaceLine(lines, /^\[0,/, '[999,1]'))],
      ['wrong shape', gzipSync(replaceLine(lines, /^\["000_/, '{"id":1}'))],
    ];
    for (const [what, content] of damaged) {
      await writeFile(path, content);
      expect(await loadSnapshot(path, hash), what).toBeNull();
    }
  });

  it('rejects cleanly when the folder is missing', async () => {
    await expect(saveSnapshot(join(dir, 'missing', 'index.snapshot'), index, hash)).rejects.toThrow(
      /ENOENT/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the previous snapshot and leaves no temporary file when a write fails', async () => {
    const path = join(dir, 'index.snapshot');
    await saveSnapshot(path, index, hash);
    // Fails on the second read of the passages, after the header has been encoded.
    let reads = 0;
    const failing = Object.defineProperty({ ...index }, 'passages', {
      get() {
        reads += 1;
        if (reads > 1) throw new Error('passages unreadable');
        return index.passages;
      },
    });
    await expect(saveSnapshot(path, failing, 'other')).rejects.toThrow('passages unreadable');
    expect(await readdir(dir)).toEqual(['index.snapshot']);
    expect(await loadSnapshot(path, hash)).not.toBeNull();
  });
});

/** The lines joined back, with the first line matching `pattern` replaced. */
function replaceLine(lines: string[], pattern: RegExp, replacement: string): string {
  const at = lines.findIndex((line) => pattern.test(line));
  expect(at).toBeGreaterThan(0);
  return lines.map((line, i) => (i === at ? replacement : line)).join('\n');
}
