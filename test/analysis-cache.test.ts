import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/corpus/load.ts';
import type { Article } from '../src/corpus/types.ts';
import { Library } from '../src/library/library.ts';
import { analysePassage, type PassageAnalysis } from '../src/search/analysis.ts';
import { analysesByKey, buildIndex, type SearchIndex } from '../src/search/build.ts';
import { corpusHash, loadAnalyses, loadSnapshot, saveSnapshot } from '../src/search/snapshot.ts';
import { analyseInParallel } from '../src/workers/analyse-parallel.ts';
import { InlineEngine } from '../src/workers/engine.ts';

const SEED = '000_54ae5372d3de91ff';

/** An analyser that counts the texts it reads. */
function countingAnalyser() {
  const texts: string[] = [];
  const analyse = (text: string): PassageAnalysis => {
    texts.push(text);
    return analysePassage(text);
  };
  return { analyse, texts };
}

/** Everything an index answers from, as plain data in its order. */
function contents(index: SearchIndex) {
  return {
    passages: index.passages.map(({ id, text, terms, sentences, kinds }) => ({
      id,
      text,
      terms,
      sentences,
      kinds,
    })),
    engine: JSON.stringify(index.engine),
    vocabulary: [...index.vocabulary.entries()],
    words: [...index.words.entries()],
    initialisms: [...index.initialisms.entries()],
    metaTerms: [...index.metaTerms.entries()].map(([id, terms]) => [id, [...terms]]),
  };
}

/** The seed article with paragraph `number`'s text replaced. */
function withParagraph(article: Article, number: number, text: string): Article {
  return {
    ...article,
    paragraphs: article.paragraphs.map((p) => (p.number === number ? { ...p, text } : p)),
  };
}

/** The number of the seed's `n`th paragraph that is not boilerplate (from 0). */
function contentParagraph(n: number): number {
  return seed.paragraphs.filter((paragraph) => !paragraph.boilerplate)[n]?.number ?? -1;
}

let seed: Article;
let built: SearchIndex;
let dir: string;

beforeAll(async () => {
  seed = (await loadCorpus('seeds')).articles[0] as Article;
  built = buildIndex([seed]);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'talkbot-analysis-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildIndex with analyses to reuse', () => {
  it('reads no passage again when every text is unchanged, and builds the same index', () => {
    const { analyse, texts } = countingAnalyser();
    const again = buildIndex([seed], { reuse: analysesByKey(built.analyses ?? []), analyse });
    expect(texts).toEqual([]);
    expect(contents(again)).toEqual(contents(built));
  });

  it('reads only the changed paragraph again', () => {
    const changed = 'The delegations met again on Friday in Geneva for three hours.';
    const { analyse, texts } = countingAnalyser();
    const next = buildIndex([withParagraph(seed, contentParagraph(4), changed)], {
      reuse: analysesByKey(built.analyses ?? []),
      analyse,
    });
    expect(texts).toEqual([changed]);
    expect(contents(next)).toEqual(
      contents(buildIndex([withParagraph(seed, contentParagraph(4), changed)])),
    );
  });

  it('keeps one analysis per passage, in passage order', () => {
    expect(built.analyses?.map((analysis) => analysis.terms)).toEqual(
      built.passages.map((passage) => passage.terms),
    );
  });
});

describe('analyses in the snapshot', () => {
  it('are read back by key, whatever corpus the snapshot was saved for', async () => {
    const path = join(dir, 'index.snapshot');
    await saveSnapshot(path, built, corpusHash([seed]));
    const reuse = await loadAnalyses(path);
    expect(reuse.size).toBe(new Set(built.analyses?.map((analysis) => analysis.key)).size);
    const { analyse, texts } = countingAnalyser();
    const changed = 'A new paragraph about grain exports.';
    buildIndex([withParagraph(seed, contentParagraph(2), changed)], { reuse, analyse });
    expect(texts).toEqual([changed]);
  });

  it('are loaded with the index only when asked for', async () => {
    const path = join(dir, 'index.snapshot');
    const hash = corpusHash([seed]);
    await saveSnapshot(path, built, hash);
    expect((await loadSnapshot(path, hash))?.analyses).toBeUndefined();
    const loaded = await loadSnapshot(path, hash, { analyses: true });
    expect(loaded?.analyses).toEqual(built.analyses);
  });

  it('give nothing to reuse from a missing or damaged file, or one of other indexing code', async () => {
    const path = join(dir, 'index.snapshot');
    expect((await loadAnalyses(path)).size).toBe(0);
    await saveSnapshot(path, built, corpusHash([seed]));
    const bytes = await readFile(path);
    const lines = gunzipSync(bytes).toString('utf8').split('\n');
    const header = JSON.parse(lines[0] as string) as Record<string, unknown>;
    const variants: Array<[string, Buffer]> = [
      ['not gzip', Buffer.from('{"format":"talkbot-index-snapshot"}\n')],
      ['truncated', bytes.subarray(0, 40)],
      [
        'other code',
        gzipSync([JSON.stringify({ ...header, code: 'x' }), ...lines.slice(1)].join('\n')),
      ],
      [
        'version 2',
        gzipSync([JSON.stringify({ ...header, version: 2 }), ...lines.slice(1)].join('\n')),
      ],
    ];
    for (const [what, content] of variants) {
      await writeFile(path, content);
      expect((await loadAnalyses(path)).size, what).toBe(0);
    }
  });
});

describe('a refresh', () => {
  it('reads only the passages whose text changed', async () => {
    const seeds = join(dir, 'seeds');
    await mkdir(seeds);
    for (const extension of ['.txt', '.json']) {
      await copyFile(join('seeds', `${SEED}${extension}`), join(seeds, `${SEED}${extension}`));
    }
    const { analyse, texts } = countingAnalyser();
    const library = await Library.open({ seedsDir: seeds, engine: new InlineEngine({ analyse }) });
    try {
      const first = texts.length;
      expect(first).toBeGreaterThan(20);
      const report = await library.refresh();
      expect(report.status).toBe('done');
      expect(texts.length).toBe(first);
      const added = 'A lighthouse keeper retired after forty years on the rock.';
      await writeFile(join(seeds, 'lighthouse.txt'), `${added}\n`);
      expect((await library.refresh()).articles.added).toEqual(['lighthouse']);
      expect(texts.slice(first)).toEqual([added]);
    } finally {
      await library.close();
    }
  });
});

describe('analyseInParallel', () => {
  it('gives the analyses in order, read by a helper thread and this one', async () => {
    const texts = seed.paragraphs.slice(0, 7).map((paragraph) => paragraph.text);
    const analyses = await analyseInParallel(texts, { helpers: 1, from: 1, batch: 2 });
    expect(analyses.map(({ key, terms }) => ({ key, terms }))).toEqual(
      texts.map(analysePassage).map(({ key, terms }) => ({ key, terms })),
    );
  });
});
