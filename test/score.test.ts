import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/corpus/load.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { analyzeQuestion } from '../src/search/question.ts';
import { scoreTerms, textHolds } from '../src/search/score.ts';

interface QuestionFile {
  answerable: Array<{ q: string }>;
  unanswerable: Array<{ q: string }>;
}

function questionsOf(path: string): string[] {
  const set = JSON.parse(readFileSync(path, 'utf8')) as QuestionFile;
  return [...set.answerable, ...set.unanswerable].map(({ q }) => q);
}

let index: SearchIndex;
let searches: Array<ReturnType<typeof searchOf>>;

beforeAll(async () => {
  // The seed and two addresses whose titles name their speakers: metadata terms match many passages.
  const addresses = (await loadCorpus('test/eval/articles')).articles.filter((article) =>
    ['sotu-1941', 'sotu-1962'].includes(article.id),
  );
  index = buildIndex([...(await loadCorpus('seeds')).articles, ...addresses]);
  searches = [
    ...questionsOf('test/eval/questions.json'),
    ...questionsOf('test/eval/sotu/sotu-1941.json'),
    ...questionsOf('test/eval/sotu/sotu-1962.json'),
  ].map(searchOf);
});

/** The terms ranking would search for a question, each with a boost that depends on it. */
function searchOf(question: string): { terms: string[]; boosts: Map<string, number> } {
  const boosts = new Map<string, number>();
  for (const concept of analyzeQuestion(index, question).concepts) {
    for (const [term, strength] of concept.terms) boosts.set(term, strength);
  }
  return { terms: [...boosts.keys()], boosts };
}

describe('scoreTerms', () => {
  it.each([
    { name: 'all articles', article: undefined, metaBoost: 0.7 },
    { name: 'one article', article: 'sotu-1941', metaBoost: 0.7 },
    { name: 'a zero boost, which MiniSearch reads as 1', article: undefined, metaBoost: 0 },
  ])(
    'finds and scores what MiniSearch search does, in its order: $name',
    ({ article, metaBoost }) => {
      let compared = 0;
      let metadataOnly = 0;
      for (const { terms, boosts } of searches) {
        const boost = { terms: 1, meta: metaBoost };
        const boostTerm = (term: string) => boosts.get(term) ?? 1;
        const inArticle = (id: number) => index.passages[id]?.article.id === article;
        const expected = index.engine.search(terms.join(' '), {
          boost,
          boostTerm,
          filter: article ? (result) => inArticle(result.id) : undefined,
        });
        const found = scoreTerms(index.engine, terms, {
          boost,
          boostTerm,
          filter: article ? inArticle : undefined,
        });
        expect(found.map(({ id, score }) => [id, score])).toEqual(
          expected.map(({ id, score }) => [id, score]),
        );
        found.forEach((match, i) => {
          const result = expected[i];
          expect(new Set(match.terms)).toEqual(new Set(result?.terms));
          expect(match.inText).toEqual(
            match.terms.map((term) => result?.match[term]?.includes('terms')),
          );
        });
        compared += found.length;
        metadataOnly += found.filter((match) => match.inText.includes(false)).length;
      }
      expect(compared).toBeGreaterThan(1000);
      expect(metadataOnly).toBeGreaterThan(100);
    },
  );

  it('finds nothing for terms no passage holds', () => {
    expect(
      scoreTerms(index.engine, ['zzqx'], { boost: { terms: 1, meta: 1 }, boostTerm: () => 1 }),
    ).toEqual([]);
  });

  it("textHolds tells the terms of a passage's own text, as its terms say", () => {
    const terms = [...new Set(searches.flatMap((search) => search.terms))];
    const own = index.passages.map((passage) => new Set(passage.terms.split(/[ \n]/)));
    const wrong: string[] = [];
    let held = 0;
    for (const term of terms) {
      const holds = textHolds(index.engine, term);
      own.forEach((set, id) => {
        if (holds(id) !== set.has(term)) wrong.push(`${term} in ${id}`);
        if (set.has(term)) held += 1;
      });
    }
    expect(wrong).toEqual([]);
    expect(held).toBeGreaterThan(1000);
  });
});
