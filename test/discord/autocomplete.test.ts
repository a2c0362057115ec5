import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { completeQuery, completeSource, findArticle } from '../../src/answer/autocomplete.ts';
import { questionChoices, resolveSource, sourceChoices } from '../../src/discord/options.ts';
import { codePointLength } from '../../src/discord/text.ts';
import { Library } from '../../src/library/library.ts';
import { choiceProblems, HOSTILE_INPUTS } from '../hostile-inputs.ts';

const SEED = '000_54ae5372d3de91ff';
let library: Library;

beforeAll(async () => {
  library = await Library.open({ seedsDir: 'seeds' });
});

describe('completeQuery', () => {
  it('offers the text as typed, then completions of its last word, most frequent first', () => {
    const suggestions = completeQuery(library.index, 'Who led Ukr');
    expect(suggestions[0]).toBe('Who led Ukr');
    expect(suggestions.slice(1, 3)).toEqual(['Who led Ukraine', 'Who led Ukrainian']);
    expect(completeQuery(library.index, 'how many pris')).toContain('how many prisoners');
  });

  it('shows words as the articles spell them', () => {
    expect(completeQuery(library.index, 'zel')).toContain('Zelenskyy');
    expect(completeQuery(library.index, 'Ukraine-f')).toContain('Ukraine-focused');
  });

  it('offers titles matching the typed words, and titles and names when nothing is typed', () => {
    const title = library.index.articles[0]?.title ?? '';
    expect(completeQuery(library.index, 'ceasefire dir')).toContain(title);
    const empty = completeQuery(library.index, '  ');
    expect(empty[0]).toBe(title);
    expect(empty).toEqual(expect.arrayContaining(['Putin', 'Zelenskyy', 'Istanbul']));
  });

  it('offers nothing for text too long to be a choice value', () => {
    expect(completeQuery(library.index, 'x'.repeat(101))).toEqual([]);
  });

  it('respects limit and maxLength for any input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.integer({ min: 1, max: 30 }),
        (typed, limit) => {
          const suggestions = completeQuery(library.index, typed, { limit, maxLength: 60 });
          expect(suggestions.length).toBeLessThanOrEqual(limit);
          for (const s of suggestions) {
            expect(codePointLength(s)).toBeGreaterThan(0);
            expect(codePointLength(s)).toBeLessThanOrEqual(60);
          }
        },
      ),
    );
  });
});

describe('sources', () => {
  it('completes articles by title, publisher or id', async () => {
    expect(completeSource(library.index, 'sky').map((a) => a.id)).toEqual([SEED]);
    expect(completeSource(library.index, 'CEASEFIRE').map((a) => a.id)).toEqual([SEED]);
    expect(completeSource(library.index, 'nothing like this')).toEqual([]);
    expect(await sourceChoices(library, '')).toEqual([
      {
        name: 'Russia and Ukraine failed to agree to a ceasefire in their first direct talks since 2022… (Sky News)',
        value: SEED,
      },
    ]);
  });

  it('resolves an id, an exact title in any case, or the choice name a client sent', async () => {
    const title = library.index.articles[0]?.title ?? '';
    expect(findArticle(library.index, SEED)?.id).toBe(SEED);
    expect(findArticle(library.index, ` ${title.toUpperCase()} `)?.id).toBe(SEED);
    const [choice] = await sourceChoices(library, 'sky');
    expect((await resolveSource(library, choice?.name ?? ''))?.id).toBe(SEED);
    expect(await resolveSource(library, 'unknown')).toBeUndefined();
    expect(await resolveSource(library, '')).toBeUndefined();
  });
});

describe('questionChoices', () => {
  it('keeps Discord’s choice limits for every hostile input', async () => {
    for (const { name, text } of HOSTILE_INPUTS) {
      const choices = await questionChoices(library, text);
      expect(choiceProblems({ choices }), name).toEqual([]);
    }
  });
});
