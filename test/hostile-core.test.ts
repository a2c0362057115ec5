import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  answer,
  MAX_QUESTION_LENGTH,
  searchPassages,
  validateQuestion,
} from '../src/answer/answer.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { analyzeQuestion, MAX_QUERY_CONCEPTS } from '../src/search/question.ts';
import { HOSTILE_INPUTS, hasLoneSurrogate } from './hostile-inputs.ts';

let index: SearchIndex;

beforeAll(async () => {
  index = buildIndex((await loadCorpus('seeds')).articles);
  // Warm the synonym tables (WordNet loads lazily) so the first input is not billed for it.
  answer(index, 'Who led the delegation?');
});

/**
 * How much searching `text` asks for: 0 when it is refused before any search, else the
 * concepts searched. The cap on concepts (with the cap on length) is what keeps a hostile
 * input's cost bounded; how long that takes is measured by `npm run bench`.
 */
function conceptsSearched(text: string): number {
  return validateQuestion(text) ? 0 : analyzeQuestion(index, text).concepts.length;
}

/**
 * A refusal must read as a sentence for a person: a capital first, a full stop
 * (or closing quote) last, one line, no stack, no error class, no code. It may
 * quote the asker's words, so its length is bounded by the longest question.
 */
function expectClearReason(result: Answer): void {
  if (result.answered) return;
  const reason = result.reason ?? '';
  expect(reason).toMatch(/^[A-Z][^\n]{10,}[.?!"]$/);
  expect(reason.length).toBeLessThan(MAX_QUESTION_LENGTH * 2 + 200);
  expect(reason).not.toMatch(/\bat .+:\d+:\d+|Error\b|undefined|\[object|NaN/);
}

describe('hostile inputs through the core', () => {
  it('has at least 40 inputs with unique names', () => {
    const names = HOSTILE_INPUTS.map((input) => input.name);
    expect(names.length).toBeGreaterThanOrEqual(40);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(HOSTILE_INPUTS)('$name', ({ text }) => {
    it.each([
      ['answer', answer],
      ['searchPassages', searchPassages],
    ] as const)('%s does bounded work and gives a clear outcome', (_, run) => {
      expect(conceptsSearched(text)).toBeLessThanOrEqual(MAX_QUERY_CONCEPTS);
      const result = run(index, text);
      expect(typeof result.answered).toBe('boolean');
      expectClearReason(result);
      if (result.answered) {
        expect(result.results.length).toBeGreaterThan(0);
        expect(result.total).toBeGreaterThanOrEqual(result.results.length);
      } else {
        expect(result.results).toEqual([]);
      }
      // The echoed question is cleaned: no control or invisible characters, no broken surrogates.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be gone.
      expect(result.question).not.toMatch(/[\u0000-\u0008\u200b\u202e\u2066]/);
      expect(hasLoneSurrogate(result.question)).toBe(false);
    });
  });

  it('refuses the inputs that have nothing to search for, saying why', () => {
    for (const name of ['empty string', 'whitespace only (spaces, tabs, newlines)']) {
      const text = HOSTILE_INPUTS.find((input) => input.name === name)?.text ?? 'missing';
      expect(answer(index, text).reason).toMatch(/Please type a question/);
    }
    expect(answer(index, '???').reason).toMatch(/no words to search for/);
    expect(answer(index, '\u200b\u200b').reason).toMatch(/Please type a question/);
  });

  it('refuses over-long questions by their length instead of cutting them', () => {
    const long = HOSTILE_INPUTS.find((input) => input.name === 'question repeated 1000 times');
    expect(answer(index, long?.text ?? '').reason).toMatch(/please ask in at most 500\.$/);
  });

  it('still answers a real question wrapped in mentions, markup and invisible characters', () => {
    for (const text of [
      '@everyone who led the delegation?',
      '**Who** led the `delegation`?',
      'Med\u200binsky le\u200cd the dele\u200dgation',
      '\u202eWho led the delegation?\u202c',
    ]) {
      expect(answer(index, text).results[0]?.source.paragraph, text).toBe(22);
    }
  });
});
