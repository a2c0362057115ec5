import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer/answer.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import type { Article } from '../src/corpus/types.ts';
import { analysePassage, type PassageAnalysis } from '../src/search/analysis.ts';
import { analysesByKey, buildIndex, type SearchIndex } from '../src/search/build.ts';
import { scoreTerms } from '../src/search/score.ts';
import { articleChanges, updateIndex } from '../src/search/update.ts';

/** What MiniSearch holds, by passage position instead of its own document ids. */
interface EngineView {
  _documentCount: number;
  _documentIds: Map<number, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _index: Iterable<[string, Map<number, Map<number, number>>]>;
}

/** Everything an index answers from, as plain data, each list in an order of its own. */
function contents(index: SearchIndex) {
  const engine = index.engine as unknown as EngineView;
  const position = (shortId: number) => engine._documentIds.get(shortId) as number;
  const postings = [...engine._index]
    .map(([term, fields]) => [
      term,
      // By field: which field a term met first is no matter to scoring, which reads them in order.
      [...fields]
        .sort(([a], [b]) => a - b)
        .map(([field, frequencies]) => [
          field,
          [...frequencies]
            .map(([shortId, frequency]) => [position(shortId), frequency])
            .sort(([a], [b]) => (a as number) - (b as number)),
        ]),
    ])
    .sort();
  const byKey = <T>(entries: Iterable<[string, T]>) =>
    [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    articles: index.articles,
    passages: index.passages,
    analyses: index.analyses,
    documentCount: engine._documentCount,
    averageFieldLength: engine._avgFieldLength,
    fieldLength: [...engine._fieldLength]
      .map(([id, lengths]) => [position(id), lengths] as const)
      .sort(([a], [b]) => a - b),
    postings,
    vocabulary: byKey(index.vocabulary.entries()),
    words: byKey(index.words.entries()),
    initialisms: [...index.initialisms],
    metaTerms: [...index.metaTerms].map(([id, terms]) => [id, [...terms]]),
    metaArticles: byKey(index.metaArticles.entries()),
  };
}

/** Checks two indexes hold the same, part by part, so a failure names the part. */
function expectSameContents(actual: SearchIndex, expected: SearchIndex): void {
  const want = contents(expected);
  const got = contents(actual);
  for (const key of Object.keys(want) as Array<keyof typeof want>) {
    expect(got[key], key).toEqual(want[key]);
  }
}

/** The first `count` paragraphs of an article, to keep the corpus small. */
function shortened(article: Article, count: number): Article {
  return { ...article, paragraphs: article.paragraphs.slice(0, count) };
}

/** Some eval questions about these articles, and some with no answer. */
function questions(): string[] {
  const sets = ['test/eval/questions.json', 'test/eval/sotu/sotu-1947.json'];
  return sets.flatMap((path) => {
    const set = JSON.parse(readFileSync(path, 'utf8')) as {
      answerable: Array<{ q: string }>;
      unanswerable: Array<{ q: string }>;
    };
    return [...set.answerable.slice(0, 16), ...set.unanswerable.slice(0, 4)].map((q) => q.q);
  });
}

let before: Article[];
let after: Article[];
const analyses = new Map<string, PassageAnalysis>();
/** One analysis per text for every build here, as a build reusing the serving edition's has. */
const analyse = (text: string): PassageAnalysis => {
  const analysis = analysePassage(text);
  analyses.set(analysis.key, analysis);
  return analysis;
};

beforeAll(async () => {
  const seed = (await loadCorpus('seeds')).articles;
  const speeches = (await loadCorpus('test/eval/articles')).articles.map((a) => shortened(a, 12));
  const byId = (id: string) => speeches.find((article) => article.id === id) as Article;
  const [first, ...rest] = seed;
  if (!first) throw new Error('no seed article');
  before = [...seed, ...speeches.filter((a) => a.id !== 'sotu-2016')].sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  const edited = {
    ...first,
    paragraphs: first.paragraphs.map((p, i) =>
      i === 3 ? { ...p, text: `${p.text} The Ukrainian delegation left Istanbul by ferry.` } : p,
    ),
  };
  after = [
    edited,
    ...rest,
    ...speeches.filter((a) => a.id !== 'sotu-1941' && a.id !== 'sotu-1957'),
    // Only the metadata changed: every passage's metadata field changes with it.
    { ...byId('sotu-1957'), author: 'Ike', title: 'Eisenhower on the state of the union' },
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
});

describe('updateIndex', () => {
  it('tells which articles were added, removed and changed', () => {
    const changes = articleChanges(before, after);
    expect(changes.added.map((a) => a.id)).toEqual(['sotu-2016']);
    expect(changes.removed.map((a) => a.id)).toEqual(['sotu-1941']);
    expect(changes.changed.map((a) => a.id)).toEqual(['000_54ae5372d3de91ff', 'sotu-1957']);
  });

  it('gives the index a fresh build of the same articles gives, and the same scores', () => {
    const previous = buildIndex(before, { analyse });
    const updated = updateIndex(previous, after, { analyse, reuse: analyses });
    const fresh = buildIndex(after, { reuse: analysesByKey([...analyses.values()]) });
    expect(updated).not.toBeNull();
    const next = updated as SearchIndex;
    expectSameContents(next, fresh);
    // The word of a term first met in a changed article comes from its first passage now.
    for (const [term, info] of fresh.vocabulary.entries()) {
      expect(next.vocabulary.get(term)?.word).toBe(info.word);
    }
    // Every score to the bit: the passages of equal score may be listed in another order.
    const terms = [...fresh.vocabulary.keys()].filter((_, i) => i % 7 === 0);
    const options = { boost: { terms: 2, meta: 1 }, boostTerm: () => 1 };
    for (let i = 0; i < terms.length; i += 3) {
      const query = terms.slice(i, i + 3);
      const scores = (index: SearchIndex) =>
        new Map(scoreTerms(index.engine, query, options).map((match) => [match.id, match.score]));
      expect(scores(next)).toEqual(scores(fresh));
    }
    for (const question of questions()) {
      expect(answer(next, question)).toEqual(answer(fresh, question));
    }
  });

  it('updates again from an updated index, back to the first corpus', () => {
    const once = updateIndex(buildIndex(before, { analyse }), after, { reuse: analyses });
    const twice = updateIndex(once as SearchIndex, before, { reuse: analyses });
    const fresh = buildIndex(before, { reuse: analyses });
    expectSameContents(twice as SearchIndex, fresh);
  });

  it('returns null, changing nothing, when an article’s metadata no longer gives the terms indexed', () => {
    const previous = buildIndex(before, { reuse: analyses });
    const id = 'sotu-1947';
    // As if the metadata were analysed otherwise now than when it was indexed.
    const passages = previous.passages.map((passage) =>
      passage.article.id === id
        ? { ...passage, article: { ...passage.article, author: 'Someone Else' } }
        : passage,
    );
    const edited = before.map((a) => (a.id === id ? { ...a, title: `${a.title}.` } : a));
    expect(updateIndex({ ...previous, passages }, edited, { reuse: analyses })).toBeNull();
    expectSameContents(previous, buildIndex(before, { reuse: analyses }));
  });

  it('returns the same index when nothing changed, and null when most of it did', () => {
    const previous = buildIndex(before, { reuse: analyses, analyse });
    expect(
      updateIndex(
        previous,
        before.map((article) => ({ ...article })),
      ),
    ).toBe(previous);
    const most = before.map((article) => ({ ...article, title: `${article.title}, again` }));
    expect(updateIndex(previous, most, { reuse: analyses })).toBeNull();
    // Nothing was changed in it.
    expectSameContents(previous, buildIndex(before, { reuse: analyses }));
  });
});
