/**
 * Nothing the bot sends holds a mention, a command mention or a masked link
 * in usable form, nor an invisible or direction-changing character, whatever
 * the text it shows: article text, titles, publishers, questions, reasons,
 * URLs, file names, insights. Every renderer: answers, misses, search,
 * context, sources, autocomplete, refresh reports, source additions, insights. The texts are built from the pieces of those sequences
 * with the characters a cleaner might drop between them (`@\u0001everyone`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer, AnswerPassage } from '../../src/answer/answer.ts';
import type { Article } from '../../src/corpus/types.ts';
import { CustomIdCodec } from '../../src/discord/custom-id.ts';
import { renderInsights } from '../../src/discord/insights-render.ts';
import {
  renderAddSource,
  renderAnswer,
  renderContext,
  renderRefresh,
  renderSources,
  toChoices,
} from '../../src/discord/render.ts';
import {
  escapePieces,
  escapeText,
  fitPieces,
  plainText,
  truncate,
} from '../../src/discord/text.ts';
import type { RefreshReport } from '../../src/library/reports.ts';
import { cleanText } from '../../src/text/clean.ts';
import { addSourceResults } from '../library-reports.ts';

const ZERO_WIDTH_SPACE = '\u200b';
/** The only link target the texts below may produce: the source URL given to the renderers. */
const SOURCE_URL = 'https://news.example/a';

/** Pieces of mentions and links, and characters that could hide them from a check. */
const PIECES = [
  '@',
  'everyone',
  'EveryOne',
  'here',
  '<',
  '>',
  '!',
  '&',
  '#',
  '/',
  ':',
  'ask',
  '123456789012345678',
  '[',
  ']',
  '(',
  ')',
  'https://evil.example',
  '\\',
  ' ',
  '\n',
  'a',
  '&#1;',
  '👩',
  '💻',
  '\u0000',
  '\u0001',
  '\u0002',
  '\u007f',
  '\u0085',
  '\u00ad',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u2060',
  '\u202e',
  '\u2066',
  '\u2069',
  '\ufe0f',
  '\ufeff',
  '\u{e0041}',
  '\ud800',
  '\udc00',
];
const hostile = (maxLength: number) =>
  fc.array(fc.constantFrom(...PIECES), { maxLength }).map((pieces) => pieces.join(''));

/** Mentions Discord would act on: everyone/here, users, roles, channels, commands. */
const MENTIONS = [/@(?:everyone|here)/i, /<@!?\d+>/, /<@&\d+>/, /<#\d+>/, /<\/[^\s<>]+:\d+>/];

/** Whether the character at `at` is escaped by an odd run of backslashes before it. */
function isEscaped(text: string, at: number): boolean {
  let slashes = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) slashes += 1;
  return slashes % 2 === 1;
}

/** Masked links (`[label](target)`) whose target is not the source URL given. */
function foreignMaskedLinks(text: string): string[] {
  const links: string[] = [];
  for (let at = text.indexOf('](', 0); at !== -1; at = text.indexOf('](', at + 1)) {
    if (isEscaped(text, at)) continue;
    const target = text.slice(at + 2, at + 2 + SOURCE_URL.length);
    if (target !== SOURCE_URL) links.push(text.slice(Math.max(0, at - 20), at + 40));
  }
  return links;
}

/**
 * What is wrong with one shown text: usable mentions, invisible characters and,
 * where Discord renders markdown, masked links to anywhere but the source.
 * Button labels, footers and autocomplete choices are shown as plain text.
 */
function textProblems(where: string, text: string, markdown = true): string[] {
  const problems: string[] = [];
  for (const mention of MENTIONS) {
    const found = mention.exec(text);
    if (found) problems.push(`${where} has a usable mention ${JSON.stringify(found[0])}`);
  }
  for (const link of markdown ? foreignMaskedLinks(text) : []) {
    problems.push(`${where} has a masked link ${JSON.stringify(link)}`);
  }
  // The zero-width spaces that break mentions are the bot's own; nothing else invisible may pass.
  const withoutBreaks = text.replaceAll(ZERO_WIDTH_SPACE, '');
  if (cleanText(withoutBreaks) !== withoutBreaks) {
    problems.push(`${where} holds control, zero-width or bidi characters`);
  }
  return problems;
}

type Loose = Record<string, unknown>;
const asObject = (value: unknown): Loose =>
  typeof value === 'object' && value !== null ? (value as Loose) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every text of a payload Discord shows, and whether it renders markdown there. */
function shownTexts(payload: unknown): Array<[string, string, boolean]> {
  const message = asObject(payload);
  const texts: Array<[string, unknown, boolean]> = [['content', message.content, true]];
  for (const [i, raw] of asArray(message.embeds).entries()) {
    const embed = asObject(raw);
    texts.push([`embed ${i} title`, embed.title, true]);
    texts.push([`embed ${i} description`, embed.description, true]);
    texts.push([`embed ${i} footer`, asObject(embed.footer).text, false]);
    texts.push([`embed ${i} author`, asObject(embed.author).name, false]);
    for (const [j, field] of asArray(embed.fields).entries()) {
      texts.push([`embed ${i} field ${j} name`, asObject(field).name, true]);
      texts.push([`embed ${i} field ${j} value`, asObject(field).value, true]);
    }
  }
  for (const [i, row] of asArray(message.components).entries()) {
    for (const [j, button] of asArray(asObject(row).components).entries()) {
      texts.push([`button ${i}.${j} label`, asObject(button).label, false]);
    }
  }
  return texts.filter((entry): entry is [string, string, boolean] => typeof entry[1] === 'string');
}

function payloadProblems(payload: unknown): string[] {
  return shownTexts(payload).flatMap(([where, text, markdown]) =>
    textProblems(where, text, markdown),
  );
}

const context = { customIds: new CustomIdCodec() };

function passage(text: string, title: string, publisher: string): AnswerPassage {
  return {
    text: text || 'x',
    highlight: text.slice(0, Math.ceil(text.length / 2)),
    score: 1,
    source: {
      article: 'a1',
      title,
      titleDerived: false,
      publisher,
      published: '2025-05-16',
      url: SOURCE_URL,
      paragraph: 3,
    },
    matchedTerms: [],
  };
}

describe('no usable mention, link or invisible character in anything rendered', () => {
  it('finds them in a text made to hold them (the check can fail)', () => {
    expect(textProblems('t', '@everyone')).toHaveLength(1);
    expect(textProblems('t', '</ask:123>')).toHaveLength(1);
    expect(textProblems('t', '[x](https://evil.example)')).toHaveLength(1);
    expect(textProblems('t', 'a\u202eb')).toHaveLength(1);
    expect(textProblems('t', '\\[x\\](https://evil.example) @\u200beveryone')).toEqual([]);
  });

  it('keeps an emoji joined with U+200D whole where bold or a cut would split it', () => {
    const joined = '#\ufe0f\u200d💻';
    const split = passage(joined, 'title', 'publisher');
    expect(split.highlight).toBe('#\ufe0f\u200d');
    const answer: Answer = {
      question: 'q',
      answered: true,
      corrections: [],
      results: [split],
      total: 1,
    };
    const request = { mode: 'ask' as const, query: 'q', article: null, offset: 0 };
    expect(payloadProblems(renderAnswer(answer, request, context))).toEqual([]);
    expect(textProblems('fitted', fitPieces(escapePieces(`${joined}${joined}`), 5))).toEqual([]);
    expect(textProblems('truncated', truncate('👩\u200d💻👩\u200d💻', 3))).toEqual([]);
  });

  it('escapes and plain texts', () => {
    fc.assert(
      fc.property(hostile(40), (text) => {
        expect(textProblems('escapeText', escapeText(text))).toEqual([]);
        expect(textProblems('plainText', plainText(text), false)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers, misses and their buttons', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostile(60), hostile(20), hostile(20)), { minLength: 0, maxLength: 3 }),
        hostile(40),
        hostile(40),
        fc.array(hostile(20), { maxLength: 3 }),
        (passages, question, reason, suggestions) => {
          const results = passages.map(([text, title, publisher]) =>
            passage(text, title, publisher),
          );
          const answer: Answer =
            results.length > 0
              ? {
                  question,
                  answered: true,
                  corrections: [{ from: question, to: reason }],
                  results,
                  total: results.length + 5,
                }
              : {
                  question,
                  answered: false,
                  code: 'no-match',
                  reason,
                  suggestions,
                  results: [],
                  total: 0,
                };
          for (const mode of ['ask', 'search'] as const) {
            const request = { mode, query: question, article: null, offset: 0 };
            expect(payloadProblems(renderAnswer(answer, request, context))).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('context, sources and autocomplete choices', () => {
    fc.assert(
      fc.property(
        fc.array(hostile(60), { minLength: 1, maxLength: 5 }),
        hostile(30),
        (texts, title) => {
          const article: Article = {
            id: 'a1',
            title,
            titleDerived: false,
            publisher: title,
            published: null,
            url: SOURCE_URL,
            paragraphs: texts.map((text, i) => ({ number: i + 1, text, boilerplate: null })),
          };
          expect(payloadProblems(renderContext(article, 1))).toEqual([]);
          const summary = { ...article, paragraphs: texts.length };
          expect(payloadProblems(renderSources([summary], new Date(0)))).toEqual([]);
          for (const choice of toChoices([...texts, { name: title, value: 'v' }])) {
            expect(textProblems('choice', choice.name, false)).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refresh reports and source additions', () => {
    fc.assert(
      fc.property(hostile(40), hostile(40), hostile(40), (message, url, reason) => {
        const entry = { url, id: url, reason };
        const report: RefreshReport = {
          status: 'done',
          serving: { articles: 1, passages: 1 },
          articles: { added: [url], removed: [reason], changed: [message] },
          paragraphs: { added: 1, removed: 0 },
          problems: [{ file: url, reason }],
          kept: [{ id: url, file: url, reason }],
          sources: {
            fetched: [{ url, id: url, title: reason, changed: true }],
            kept: [entry],
            failed: [entry],
            skipped: [entry],
          },
          durationMs: 1,
        };
        expect(payloadProblems(renderRefresh(report))).toEqual([]);
        const failure = { code: 'unexpected', error: message } as const;
        expect(payloadProblems(renderRefresh({ ...report, status: 'failed', failure }))).toEqual(
          [],
        );
        for (const result of addSourceResults(message, report)) {
          expect(payloadProblems(renderAddSource(result))).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('insights reports', () => {
    fc.assert(
      fc.property(hostile(40), hostile(40), hostile(40), (question, reason, excerpt) => {
        const report = {
          days: 30,
          totals: { questions: 3, answered: 1, refused: 2, up: 1, down: 1, members: 2 },
          refused: [{ question, count: 2, members: 1, code: 'no-match', reason }],
          downvoted: [
            { question, reason, up: 0, down: 2, citation: null },
            {
              question: reason,
              reason: null,
              up: 1,
              down: 3,
              citation: { article: excerpt, paragraph: 4, excerpt },
            },
          ],
        };
        for (const page of [0, 1]) {
          const payload = renderInsights(report, 'ok', { days: 30, page }, context);
          expect(payloadProblems(payload)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
