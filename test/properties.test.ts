/**
 * Property tests: whatever text arrives, the text functions, the answering
 * core and autocomplete return (never throw, never hang) and keep their
 * invariants, and every message the Discord renderer builds stays within
 * Discord's limits (in code points), keeps surrogate pairs whole, pings nobody
 * and has buttons that decode. Runs are bounded and seeded, so a failure
 * reproduces and the file stays fast.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type AnswerPassage, answer, searchPassages } from '../src/answer/answer.ts';
import { completeQuery, completeSource } from '../src/answer/autocomplete.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { splitParagraphs } from '../src/corpus/split.ts';
import type { Article } from '../src/corpus/types.ts';
import { createBotContext } from '../src/discord/context.ts';
import { CustomIdCodec } from '../src/discord/custom-id.ts';
import { queryPage } from '../src/discord/query.ts';
import {
  notice,
  type QueryRequest,
  type ReplyPayload,
  renderAnswer,
  renderContext,
  renderMiss,
  renderSources,
  toChoices,
} from '../src/discord/render.ts';
import { escapeText } from '../src/discord/text.ts';
import { Library } from '../src/library/library.ts';
import { createLogger } from '../src/log.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { cleanInput, foldText } from '../src/text/normalize.ts';
import { indexTerms } from '../src/text/terms.ts';
import { tokenize } from '../src/text/tokenize.ts';
import {
  choiceProblems,
  HOSTILE_INPUTS,
  hasLoneSurrogate,
  messageProblems,
} from './hostile-inputs.ts';

const RUNS = 200;
const SEED = 20250516;
const settings = { numRuns: RUNS, seed: SEED };
/**
 * Shrinking re-renders long texts hundreds of times; renderer properties
 * report their first counterexample as is, so a failure stays within the test timeout.
 * Each run renders texts of thousands of characters, so they run half as often.
 */
const renderSettings = { ...settings, numRuns: RUNS / 2, endOnFailure: true };

/** Pieces that have broken text handling somewhere before. */
const NASTY_FRAGMENTS = [
  '\u200b',
  '\u202e',
  '\u2066',
  '\u0000',
  '\ud800',
  '\udc00',
  '\u0301\u0302\u0303',
  '\u00ad',
  '\ufeff',
  '@everyone',
  '<@123456789012345678>',
  '<#1>',
  '```',
  '||',
  '**',
  '> ',
  '# ',
  '[x](https://evil.example)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: regex metacharacters, not a template.
  '.*+?^${}()|[]\\',
  "'s",
  '-',
  '--',
  "'",
  '1,000',
  '3.5',
  '🇺🇦',
  '👩🏽‍💻',
  'İ',
  'ß',
  'ﬁ',
  'Ⅻ',
  '½',
  '\n',
  '\t',
  ' ',
];

/** Words of the seed article, so generated questions also hit the index. */
const CORPUS_WORDS = [
  'Who',
  'led',
  "Ukraine's",
  'delegation',
  'Medinsky',
  'Umerov',
  'prisoners',
  'POW',
  'swap',
  'ceasefire',
  'cease-fire',
  'Istanbul',
  'Putin',
  'Zelenskiy',
  'Zelensky',
  'Trump',
  'sanctions',
  'Kremlin',
  'talks',
  'hours',
  'thousand',
  'the',
  'of',
  'and',
  'US',
  'Russia',
  'NATO',
];

/** Any UTF-16 code unit, so lone surrogates and every control character appear. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Questions: random code points, random code units, corpus words mixed with nasty fragments, and the hostile table. */
const questions: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 600 }),
  fc.string({ unit: codeUnit, maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc
    .array(fc.oneof(fc.constantFrom(...CORPUS_WORDS), fc.constantFrom(...NASTY_FRAGMENTS)), {
      maxLength: 60,
    })
    .chain((parts) =>
      fc
        .array(fc.constantFrom(' ', '', '  ', '?', ','), {
          minLength: parts.length,
          maxLength: parts.length,
        })
        .map((separators) => parts.map((part, i) => part + (separators[i] ?? '')).join('')),
    ),
  fc.constantFrom(...HOSTILE_INPUTS.map((input) => input.text)),
);

/** `text` with each lone surrogate replaced by U+FFFD, as `String.prototype.toWellFormed` (ES2024) does. */
function toWellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** What every Answer promises, answered or not; a page past the end is answered but empty. */
function checkAnswer(result: Answer, index: SearchIndex, page = { offset: 0, limit: 3 }): void {
  expect(hasLoneSurrogate(result.question)).toBe(false);
  if (result.answered) {
    const expected = Math.min(Math.max(1, page.limit), result.total - page.offset);
    expect(result.results.length).toBe(Math.max(0, expected));
    expect(result.total).toBeGreaterThan(0);
    for (const passage of result.results) {
      expect(passage.text).toContain(passage.highlight);
      const article = index.articles.find((a) => a.id === passage.source.article);
      expect(article?.paragraphs.some((p) => p.number === passage.source.paragraph)).toBe(true);
    }
  } else {
    expect(result.reason).toMatch(/\S/);
    expect(result.results).toEqual([]);
  }
}

describe('text functions on any input', () => {
  it('cleanInput never throws, is idempotent, and leaves no lone surrogate or doubled space', () => {
    fc.assert(
      fc.property(questions, (text) => {
        const cleaned = cleanInput(text);
        expect(hasLoneSurrogate(cleaned)).toBe(false);
        expect(cleaned).toBe(cleaned.trim());
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be gone.
        expect(cleaned).not.toMatch(/\s\s|[\u0000\u200b\u202e\u2066\ufeff]/);
        expect(cleanInput(cleaned)).toBe(cleaned);
      }),
      settings,
    );
  });

  it('foldText never throws and removes invisible and bidi characters', () => {
    fc.assert(
      fc.property(questions, (text) => {
        const folded = foldText(text);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be gone.
        expect(folded).not.toMatch(/[\u0000\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
      }),
      settings,
    );
  });

  it('tokenize never throws and gives words with no space in them', () => {
    fc.assert(
      fc.property(questions, (text) => {
        const tokens = tokenize(text);
        for (const token of tokens) {
          expect(token.original.length).toBeGreaterThan(0);
          expect(token.word).not.toMatch(/\s/);
        }
      }),
      settings,
    );
  });

  it('indexTerms never throws, never yields an empty or spaced term, and is deterministic', () => {
    fc.assert(
      fc.property(questions, (text) => {
        const terms = indexTerms(text);
        // The engine splits a passage's terms on single spaces: an empty or spaced term would corrupt it.
        for (const term of terms) expect(term).toMatch(/^\S+$/);
        expect(indexTerms(text)).toEqual(terms);
      }),
      settings,
    );
  });
});

describe('answering any question from the seed corpus', () => {
  let index: SearchIndex;

  beforeAll(async () => {
    index = buildIndex((await loadCorpus('seeds')).articles);
    answer(index, 'warm up the synonym tables');
  });

  it('answer() never throws and keeps its promises', () => {
    fc.assert(
      fc.property(questions, (question) => {
        checkAnswer(answer(index, question), index);
      }),
      settings,
    );
  });

  it('searchPassages() never throws and keeps its promises', () => {
    fc.assert(
      fc.property(questions, fc.nat({ max: 50 }), fc.nat({ max: 10 }), (query, offset, limit) => {
        const result = searchPassages(index, query, { offset, limit });
        checkAnswer(result, index, { offset, limit });
      }),
      settings,
    );
  });
});

/** An article made of `text`, split as the loader splits files. */
function articleOf(id: string, text: string): Article {
  return {
    id,
    title: `Article ${id}`,
    titleDerived: false,
    publisher: null,
    published: null,
    url: null,
    paragraphs: splitParagraphs(text).map((paragraph, i) => ({
      number: i + 1,
      text: paragraph,
      boilerplate: null,
    })),
  };
}

describe('answering from any tiny corpus', () => {
  const passageText: fc.Arbitrary<string> = fc.oneof(
    questions,
    fc
      .array(fc.oneof(fc.constantFrom(...CORPUS_WORDS), fc.constantFrom(...NASTY_FRAGMENTS)), {
        maxLength: 120,
      })
      .map((words) => `${words.join(' ')}.`),
  );

  it('building the index and answering never throws', () => {
    fc.assert(
      fc.property(
        fc.array(passageText, { minLength: 1, maxLength: 3 }),
        questions,
        (texts, question) => {
          const index = buildIndex(texts.map((text, i) => articleOf(`a${i}`, text)));
          checkAnswer(answer(index, question), index);
          checkAnswer(searchPassages(index, question), index);
        },
      ),
      { ...settings, numRuns: RUNS / 2 },
    );
  });

  it('asking for a passage with its own words finds a passage', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(...CORPUS_WORDS.filter((w) => !['the', 'of', 'and'].includes(w))),
          {
            minLength: 3,
            maxLength: 30,
          },
        ),
        (words) => {
          const index = buildIndex([articleOf('a0', `${words.join(' ')}.`)]);
          const result = searchPassages(index, words.slice(0, 2).join(' '));
          expect(result.answered).toBe(true);
          expect(result.results[0]?.source.paragraph).toBe(1);
        },
      ),
      { ...settings, numRuns: 50 },
    );
  });
});

describe('autocomplete on any input', () => {
  let index: SearchIndex;

  beforeAll(async () => {
    index = buildIndex((await loadCorpus('seeds')).articles);
  });

  it('completeQuery and completeSource never throw and give valid Discord choices', () => {
    fc.assert(
      fc.property(questions, (partial) => {
        const completions = completeQuery(index, partial);
        expect(choiceProblems({ choices: toChoices(completions) })).toEqual([]);
        const sources = completeSource(index, partial);
        const choices = toChoices(sources.map((a) => ({ name: a.title, value: a.id })));
        expect(choiceProblems({ choices })).toEqual([]);
      }),
      settings,
    );
  });
});

describe('every rendered Discord payload fits and never pings', () => {
  let library: Library;

  beforeAll(async () => {
    library = await Library.open({ seedsDir: 'seeds' });
  });

  /**
   * Runs of hostile text, from a word to thousands of markdown characters (a
   * title in metadata or a fetched page has no length limit). Well-formed, as
   * every text the renderer gets is: article text is decoded UTF-8, and the
   * core cleans questions.
   */
  const longText: fc.Arbitrary<string> = fc
    .oneof(
      questions,
      fc
        .array(fc.oneof(fc.constantFrom(...NASTY_FRAGMENTS), fc.constantFrom(...CORPUS_WORDS)), {
          maxLength: 150,
        })
        .map((parts) => parts.join('')),
      fc.constantFrom(
        '*'.repeat(5000),
        '`'.repeat(4000),
        '<@1>'.repeat(1500),
        '👍'.repeat(3000),
        '_'.repeat(7000),
        '> # - '.repeat(1000),
      ),
    )
    .map(toWellFormed);
  const url = fc.oneof(
    fc.constant(null),
    fc.webUrl(),
    fc.constantFrom('javascript:alert(1)', 'https://evil.example/a_(b)) [x]', 'not a url', ''),
  );
  const passage: fc.Arbitrary<AnswerPassage> = fc
    .record({
      text: longText,
      cut: fc.nat(),
      title: longText,
      titleDerived: fc.boolean(),
      publisher: fc.option(longText),
      published: fc.option(fc.oneof(fc.constant('2025-05-16'), longText)),
      url,
      paragraph: fc.integer({ min: 1, max: 100_000 }),
      article: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/),
    })
    .map(({ text, cut, ...source }) => {
      const chars = [...text];
      const start = chars.length === 0 ? 0 : cut % chars.length;
      return {
        text,
        highlight: chars.slice(start, start + 1 + (cut % 400)).join(''),
        score: 1,
        source,
        matchedTerms: [],
      };
    });
  const syntheticAnswer: fc.Arbitrary<Answer> = fc
    .record({
      question: longText,
      answered: fc.boolean(),
      reason: fc.option(longText, { nil: undefined }),
      // The core's suggestions are distinct and never empty.
      suggestions: fc.option(
        fc.uniqueArray(
          longText.filter((t) => t !== ''),
          { maxLength: 5 },
        ),
        { nil: undefined },
      ),
      corrections: fc.option(
        fc.array(fc.record({ from: longText, to: longText }), { maxLength: 4 }),
        {
          nil: undefined,
        },
      ),
      results: fc.array(passage, { maxLength: 5 }),
      extra: fc.nat({ max: 1000 }),
    })
    // Deliberately looser than the Answer union: rendering must survive any shape.
    .map(
      ({ extra, ...answer }) =>
        ({
          ...answer,
          question: cleanInput(answer.question),
          total: answer.results.length + extra,
        }) as unknown as Answer,
    );
  const request = (query: string): fc.Arbitrary<QueryRequest> =>
    fc.record({
      mode: fc.constantFrom('ask' as const, 'search' as const),
      query: fc.constant(query),
      article: fc.option(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/)),
      offset: fc.nat({ max: 10_000 }),
    });

  /** Checks a payload, and that each of its buttons decodes to an action with the codec that made it. */
  function checkPayload(payload: ReplyPayload | null, customIds: CustomIdCodec): void {
    if (payload === null) return;
    expect(messageProblems(payload)).toEqual([]);
    for (const row of payload.components) {
      for (const button of row.components) {
        if ('custom_id' in button) expect(customIds.decode(button.custom_id).status).toBe('ok');
      }
    }
  }

  it('queryPage renders real answers to any question, on any page', async () => {
    await fc.assert(
      fc.asyncProperty(
        questions.chain((q) => request(q)),
        fc.boolean(),
        async (asked, limitToSeed) => {
          const context = createBotContext({
            library,
            logger: createLogger({ level: 'silent' }),
            rateLimit: { count: 1000, windowMs: 1000 },
          });
          const req = {
            ...asked,
            offset: asked.offset % 30,
            article: limitToSeed ? (library.index.articles[0]?.id ?? null) : null,
          };
          const payload = await queryPage(context, req);
          checkPayload(payload, context.customIds);
        },
      ),
      renderSettings,
    );
  });

  it('renderAnswer and renderMiss on any answer, however long and hostile its texts', () => {
    fc.assert(
      fc.property(
        syntheticAnswer.chain((a) => fc.tuple(fc.constant(a), request(a.question))),
        ([result, req]) => {
          const customIds = new CustomIdCodec();
          const rendered = renderAnswer(result, req, { customIds });
          checkPayload(rendered, customIds);
          const miss = { ...result, answered: false } as unknown as Answer;
          checkPayload(renderMiss(miss, req, { customIds }), customIds);
        },
      ),
      renderSettings,
    );
  });

  it('notice, renderContext and renderSources on any text', () => {
    const paragraphs = fc.array(fc.tuple(longText, fc.boolean()), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(longText, paragraphs, fc.nat(), url, (text, paras, pick, link) => {
        const customIds = new CustomIdCodec();
        // Callers escape what they pass to notice(); its own job is the length.
        // (Escaping removes invisible characters, so a text of them alone escapes to nothing.)
        if (escapeText(text).trim() !== '') checkPayload(notice(escapeText(text)), customIds);
        const article: Article = {
          id: 'a1',
          title: text,
          titleDerived: pick % 2 === 0,
          publisher: text,
          published: '2025-05-16',
          url: link,
          paragraphs: paras.map(([paragraph, boilerplate], i) => ({
            number: i + 1,
            text: paragraph,
            boilerplate: boilerplate ? 'label' : null,
          })),
        };
        const paragraph = (pick % paras.length) + 1;
        checkPayload(renderContext(article, paragraph), customIds);
        const summaries = Array(1 + (pick % 60)).fill({ ...article, paragraphs: paras.length });
        checkPayload(renderSources(summaries, new Date(0)), customIds);
      }),
      renderSettings,
    );
  });

  it('renders a passage of one endless sentence (a table flattened into text) within the limits', () => {
    // The loader only cuts paragraphs at sentence ends, so a 30,000-character
    // "sentence" stays one passage; its page must still render within Discord's limits.
    const words = ['Istanbul', 'delegation', 'prisoners', 'table', 'row', 'cell'];
    const text = Array.from({ length: 5000 }, (_, i) => words[i % words.length]).join(' ');
    const index = buildIndex([articleOf('table', text)]);
    const result = answer(index, 'Istanbul delegation prisoners');
    expect(result.results[0]?.text.length).toBeGreaterThan(29_000);
    const customIds = new CustomIdCodec();
    const req = {
      mode: 'ask' as const,
      query: 'Istanbul delegation prisoners',
      article: null,
      offset: 0,
    };
    checkPayload(renderAnswer(result, req, { customIds }), customIds);
  });

  it('toChoices gives valid choices from any suggestions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(longText, fc.record({ name: longText, value: longText }))),
        (items) => {
          expect(choiceProblems({ choices: toChoices(items) })).toEqual([]);
        },
      ),
      renderSettings,
    );
  });
});
