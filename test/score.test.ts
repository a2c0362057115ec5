import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/corpus/load.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { analyzeQuestion } from '../src/search/question.ts';
import { scoreTerms, sentenceStrengths, textHolds } from '../src/search/score.ts';

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
let questions: string[];

beforeAll(async () => {
  // The seed and two addresses whose titles name their speakers: metadata terms match many passages.
  const addresses = (await loadCorpus('test/eval/articles')).articles.filter((article) =>
    ['sotu-1941', 'sotu-1962'].includes(article.id),
  );
  index = buildIndex([...(await loadCorpus('seeds')).articles, ...addresses]);
  questions = [
    ...questionsOf('test/eval/questions.json'),
    ...questionsOf('test/eval/sotu/sotu-1941.json'),
    ...questionsOf('test/eval/sotu/sotu-1962.json'),
  ];
  searches = questions.map(searchOf);
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

type Concepts = ReadonlyArray<{ terms: ReadonlyMap<string, number> }>;

/** What `sentenceStrengths` must give: each sentence's terms split into a set, as ranking read them before. */
function strengthsBySplitting(concepts: Concepts, terms: string): number[][] {
  return terms.split('\n').map((line) => {
    const held = new Set(line.split(' '));
    return concepts.map((concept) => {
      let strength = 0;
      for (const [term, value] of concept.terms)
        if (held.has(term)) strength = Math.max(strength, value);
      return strength;
    });
  });
}

function strengthsInPlace(concepts: Concepts, terms: string): number[][] {
  const { sentences, strengths } = sentenceStrengths(concepts, terms);
  return Array.from({ length: sentences }, (_, sentence) =>
    concepts.map((_, position) => strengths[sentence * concepts.length + position] ?? 0),
  );
}

describe('sentenceStrengths', () => {
  it("reads every passage's sentences as splitting them does, for every question", () => {
    let matched = 0;
    // Every third question keeps the test quick; each is read against every passage.
    for (const question of questions.filter((_, i) => i % 3 === 0)) {
      const { concepts } = analyzeQuestion(index, question);
      for (const passage of index.passages) {
        const expected = strengthsBySplitting(concepts, passage.terms);
        expect(strengthsInPlace(concepts, passage.terms)).toEqual(expected);
        matched += expected.flat().filter((strength) => strength > 0).length;
      }
    }
    expect(matched).toBeGreaterThan(1000);
  });

  it('counts whole terms only, in any sentence, with terms that hold one another', () => {
    const word = fc.constantFrom('a', 'ab', 'ba', 'aba', 'b', '');
    const sentence = fc.array(word, { maxLength: 6 }).map((words) => words.join(' '));
    const text = fc
      .array(sentence, { minLength: 1, maxLength: 5 })
      .map((lines) => lines.join('\n'));
    const concept = fc
      .array(
        fc.tuple(fc.constantFrom('a', 'ab', 'ba', 'aba', 'b'), fc.constantFrom(1, 0.5, 0.25)),
        {
          maxLength: 3,
        },
      )
      .map((entries) => ({ terms: new Map(entries) }));
    fc.assert(
      fc.property(text, fc.array(concept, { maxLength: 4 }), (terms, concepts) => {
        expect(strengthsInPlace(concepts, terms)).toEqual(strengthsBySplitting(concepts, terms));
      }),
    );
  });
});
