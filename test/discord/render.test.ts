import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer, AnswerPassage } from '../../src/answer/answer.ts';
import type { Article } from '../../src/corpus/types.ts';
import { CustomIdCodec } from '../../src/discord/custom-id.ts';
import {
  highlightedExcerpt,
  type QueryRequest,
  renderAnswer,
  renderContext,
  renderHelp,
  renderMiss,
  renderRefresh,
  renderSources,
  toChoices,
} from '../../src/discord/render.ts';
import { codePointLength } from '../../src/discord/text.ts';
import type { RefreshReport } from '../../src/library/reports.ts';
import type { SourceSummary } from '../../src/workers/prepare.ts';
import { choiceProblems, messageProblems } from '../hostile-inputs.ts';

const tricky = fc.constantFrom(
  '*',
  '_',
  '`',
  '~',
  '|',
  '>',
  '# ',
  '\\',
  '[',
  ']',
  '(',
  ')',
  '@everyone',
  '@here',
  '<@123456789012345678>',
  '<@&1>',
  '\n',
  '👍',
  '🇺🇦',
  '\ud800',
  '\u0000',
  'e\u0301',
  ' ',
  'word',
);
const anyText = (maxLength: number, minLength = 0) =>
  fc.string({
    unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    minLength,
    maxLength,
  });

const passage: fc.Arbitrary<AnswerPassage> = fc
  .record({
    text: anyText(3000, 1),
    cut: fc.tuple(fc.nat(), fc.nat()),
    otherHighlight: fc.option(anyText(300), { nil: undefined }),
    title: anyText(400),
    titleDerived: fc.boolean(),
    publisher: fc.option(anyText(200), { nil: null }),
    published: fc.option(fc.constantFrom('2025-05-16', '1999-12-31', 'not a date'), { nil: null }),
    url: fc.option(
      fc.oneof(fc.webUrl(), fc.constantFrom('https://a.example/x_(y)', 'javascript:x()', 'junk')),
      { nil: null },
    ),
    paragraph: fc.integer({ min: 1, max: 10_000 }),
  })
  .map(({ text, cut, otherHighlight, ...source }) => {
    const start = cut[0] % text.length;
    const highlight = otherHighlight ?? text.slice(start, start + (cut[1] % 2000));
    return {
      text,
      highlight,
      score: 1,
      source: { article: 'a1', ...source },
      matchedTerms: [],
    };
  });

const request: fc.Arbitrary<QueryRequest> = fc.record({
  mode: fc.constantFrom('ask' as const, 'search' as const),
  query: anyText(600, 1),
  article: fc.option(anyText(60, 1), { nil: null }),
  offset: fc.nat(50),
});

// Deliberately looser than the Answer union (a refusal with passages, an answer with a
// reason): the renderer must survive any shape, so the record is only cast at the end.
const answer: fc.Arbitrary<Answer> = fc
  .record({
    question: anyText(600),
    answered: fc.boolean(),
    reason: fc.option(anyText(5000), { nil: undefined }),
    suggestions: fc.option(fc.array(anyText(200), { maxLength: 5 }), { nil: undefined }),
    corrections: fc.option(
      fc.array(fc.record({ from: anyText(60), to: anyText(60) }), { maxLength: 40 }),
      {
        nil: undefined,
      },
    ),
    results: fc.array(passage, { maxLength: 5 }),
    total: fc.nat(100),
  })
  .map((loose) => loose as unknown as Answer);

const sky = {
  article: '000_54ae5372d3de91ff',
  title: 'Russia and Ukraine failed to agree to a ceasefire',
  titleDerived: true,
  publisher: 'Sky News',
  published: '2025-05-16',
  url: null,
  paragraph: 22,
};
const delegation: AnswerPassage = {
  text: 'Talks ended. Ukraine’s delegation was led by defence minister Rustem Umerov. More followed.',
  highlight: 'Ukraine’s delegation was led by defence minister Rustem Umerov.',
  score: 10,
  source: sky,
  matchedTerms: ['led'],
};
const askRequest: QueryRequest = { mode: 'ask', query: 'Who led?', article: null, offset: 0 };

describe('renderAnswer', () => {
  it('shows the best passage with its answering sentence in bold, and its source', () => {
    const payload = renderAnswer(
      { question: 'Who led?', answered: true, results: [delegation], total: 1 },
      askRequest,
      { customIds: new CustomIdCodec() },
    );
    const embed = payload.embeds[0];
    expect(embed?.description).toBe(
      'Talks ended. **Ukraine’s delegation was led by defence minister Rustem Umerov.** More followed.\n\n' +
        '📰 Sky News · *Russia and Ukraine failed to agree to a ceasefire* · 16 May 2025 · ¶22',
    );
    expect(embed?.fields).toEqual([]);
    expect(payload.allowedMentions).toEqual({ parse: [] });
    const buttons = payload.components[0]?.components ?? [];
    expect(buttons.map((b) => ('custom_id' in b ? b.custom_id : ''))).toEqual([
      'ctx:22:000_54ae5372d3de91ff',
    ]);
  });

  it('links a known URL, keeps stated titles upright and marks missing ones', () => {
    const linked = renderAnswer(
      {
        question: 'q',
        answered: true,
        results: [
          {
            ...delegation,
            source: { ...sky, titleDerived: false, url: 'https://news.example/a_(1)' },
          },
          { ...delegation, source: { ...sky, title: '', publisher: null, published: null } },
        ],
        total: 2,
      },
      askRequest,
      { customIds: new CustomIdCodec() },
    ).embeds[0];
    expect(linked?.description).toContain(
      '📰 Sky News · [Russia and Ukraine failed to agree to a ceasefire](https://news.example/a_%281%29) · 16 May 2025 · ¶22',
    );
    expect(linked?.fields?.[0]?.value).toContain('📰 *(untitled)* · ¶22');
  });

  it('pages with a More results button carrying the next offset', () => {
    const codec = new CustomIdCodec();
    const payload = renderAnswer(
      {
        question: 'Who led?',
        answered: true,
        results: [delegation, delegation, delegation],
        total: 7,
        corrections: [{ from: 'Zelensky', to: 'Zelenskyy' }],
      },
      { ...askRequest, offset: 3 },
      { customIds: codec },
    );
    const [more] = payload.components[0]?.components ?? [];
    expect(more && 'custom_id' in more ? more.custom_id : '').toBe('more:a:6::Who led?');
    expect(payload.embeds[0]?.fields?.map((f) => f.name)).toEqual(['Result 5', 'Result 6']);
    expect(payload.embeds[0]?.footer?.text).toBe(
      'Results 4–6 of 7 · read “Zelensky” as “Zelenskyy”',
    );
  });

  it('keeps the highlight when a passage is too long to show whole', () => {
    const text = `${'Before. '.repeat(600)}The answer is here. ${'After. '.repeat(600)}`;
    const excerpt = highlightedExcerpt(text, 'The answer is here.', 1000);
    expect(codePointLength(excerpt)).toBeLessThanOrEqual(1000);
    expect(excerpt).toContain('**The answer is here.**');
    expect(excerpt.startsWith('…')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
  });

  it('fits Discord’s limits and never pings, whatever the passages and question', () => {
    fc.assert(
      fc.property(answer, request, (a, r) => {
        const codec = new CustomIdCodec();
        const payload = renderAnswer(a, r, { customIds: codec });
        expect(messageProblems(payload)).toEqual([]);
        for (const row of payload.components) {
          for (const button of row.components) {
            const id = 'custom_id' in button ? button.custom_id : '';
            expect(codec.decode(id).status).toBe('ok');
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('renderMiss', () => {
  it('gives the reason and a button per suggestion that runs it', () => {
    const codec = new CustomIdCodec();
    const payload = renderMiss(
      {
        question: 'What did Chna say?',
        answered: false,
        code: 'unknown-name',
        reason: 'No article mentions Chna.',
        suggestions: ['What did China say?', 'What did chief say?'],
        results: [],
        total: 0,
      },
      askRequest,
      { customIds: codec },
    );
    expect(payload.embeds[0]?.description).toBe(
      'No article mentions Chna.\n\n💡 Did you mean one of these?',
    );
    const buttons = payload.components[0]?.components ?? [];
    expect(buttons.map((b) => ('label' in b ? b.label : ''))).toEqual([
      'What did China say?',
      'What did chief say?',
    ]);
    const first = buttons[0];
    expect(codec.decode(first && 'custom_id' in first ? first.custom_id : '')).toEqual({
      status: 'ok',
      action: { kind: 'retry', mode: 'ask', query: 'What did China say?', article: null },
    });
  });
});

describe('other renderers', () => {
  it('lists sources with title, publisher, date, paragraphs and the last refresh', () => {
    const payload = renderSources(
      [
        {
          id: 'a',
          title: 'Talks **end**',
          titleDerived: false,
          publisher: 'Sky News',
          published: '2025-05-16',
          url: 'https://news.example/a',
          paragraphs: 28,
        },
      ],
      new Date(1_747_353_600_000),
    );
    expect(payload.embeds[0]?.title).toBe('📰 Sources (1)');
    expect(payload.embeds[0]?.description).toBe(
      '🔄 Last refreshed <t:1747353600:R>\n\n**1.** 📰 Sky News · [Talks \\*\\*end\\*\\*](https://news.example/a) · 16 May 2025 · 28 paragraphs',
    );
  });

  it('fits any number of sources, with how many were left out', () => {
    const many: SourceSummary[] = Array.from({ length: 200 }, (_, i) => ({
      id: `id-${i}`,
      title: `A long title about the talks number ${i} `.repeat(4),
      titleDerived: i % 2 === 0,
      publisher: 'Publisher',
      published: '2025-05-16',
      url: i % 3 === 0 ? `https://news.example/${i}` : null,
      paragraphs: i,
    }));
    const payload = renderSources(many, new Date());
    expect(messageProblems(payload)).toEqual([]);
    expect(payload.embeds[0]?.description).toMatch(/…and \d+ more$/);
  });

  it('reports a refresh: counts, lists, duration, skipped files; cooldown with its time', () => {
    const report: RefreshReport = {
      status: 'done',
      serving: { articles: 2, passages: 40 },
      articles: { added: ['b'], removed: [], changed: ['a'] },
      paragraphs: { added: 12, removed: 3 },
      problems: [{ file: 'bad.json', reason: 'metadata is not valid JSON' }],
      kept: [],
      sources: { fetched: [], kept: [], failed: [], skipped: [] },
      durationMs: 42,
    };
    const description = renderRefresh(report).embeds[0]?.description ?? '';
    expect(description).toContain('**Articles:** 1 added, 0 removed, 1 changed');
    expect(description).toContain('Added: b');
    expect(description).toContain('**Paragraphs:** 12 added, 3 removed');
    expect(description).toContain('**Took:** 42 ms');
    expect(description).toContain('• bad.json: metadata is not valid JSON');
    const cooldown = renderRefresh({
      ...report,
      status: 'cooldown',
      retryAt: 1_747_353_600_000,
      problems: [],
    });
    expect(cooldown.embeds[0]?.description).toContain('<t:1747353600:R>');
  });

  it('fits any refresh report', () => {
    const ids = fc.array(anyText(120, 1), { maxLength: 30 });
    const outcome = fc.oneof(
      fc.record({
        status: fc.constant('done' as const),
        serving: fc.record({ articles: fc.nat(), passages: fc.nat() }),
      }),
      fc.record({
        status: fc.constant('failed' as const),
        failure: fc.oneof(
          fc.record({ code: fc.constant('builder-stopped' as const), error: anyText(3000) }),
          fc.record({
            code: fc.constant('unreadable' as const),
            dir: anyText(3000),
            error: anyText(300),
          }),
          fc.record({ code: fc.constant('no-articles' as const) }),
          fc.record({ code: fc.constant('unexpected' as const), error: anyText(3000) }),
        ),
      }),
      fc.record({
        status: fc.constant('busy' as const),
        busy: fc.constantFrom('loading' as const, 'running' as const),
      }),
      fc.record({ status: fc.constant('cooldown' as const), retryAt: fc.nat() }),
    );
    fc.assert(
      fc.property(
        outcome,
        fc.record({
          articles: fc.record({ added: ids, removed: ids, changed: ids }),
          paragraphs: fc.record({ added: fc.nat(), removed: fc.nat() }),
          problems: fc.array(fc.record({ file: anyText(300), reason: anyText(500) }), {
            maxLength: 40,
          }),
          kept: fc.array(fc.record({ id: anyText(20), file: anyText(300), reason: anyText(500) }), {
            maxLength: 10,
          }),
          sources: fc.record({
            fetched: fc.array(
              fc.record({
                url: anyText(200),
                id: anyText(20),
                title: anyText(200),
                changed: fc.boolean(),
              }),
              { maxLength: 5 },
            ),
            kept: fc.array(
              fc.record({ url: anyText(200), id: anyText(20), reason: anyText(200) }),
              {
                maxLength: 10,
              },
            ),
            failed: fc.array(
              fc.record({
                url: anyText(200),
                id: fc.option(anyText(20), { nil: null }),
                reason: anyText(200),
              }),
              { maxLength: 5 },
            ),
            skipped: fc.array(
              fc.record({
                url: anyText(200),
                id: fc.option(anyText(20), { nil: null }),
                reason: anyText(200),
              }),
              { maxLength: 5 },
            ),
          }),
          durationMs: fc.nat(),
        }),
        (why, parts) => {
          expect(messageProblems(renderRefresh({ ...parts, ...why }))).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('shows the paragraphs around a passage, skipping boilerplate, within limits', () => {
    const article: Article = {
      id: 'a',
      title: 'T',
      titleDerived: false,
      publisher: null,
      published: null,
      url: null,
      paragraphs: [
        { number: 1, text: 'One.', boilerplate: null },
        { number: 2, text: 'Read more', boilerplate: 'promo' },
        { number: 3, text: 'Three @everyone.', boilerplate: null },
        { number: 4, text: 'Four.', boilerplate: null },
        { number: 5, text: 'x'.repeat(5000), boilerplate: null },
        { number: 6, text: 'Six.', boilerplate: null },
        { number: 7, text: 'Seven.', boilerplate: null },
      ],
    };
    const payload = renderContext(article, 4);
    expect(messageProblems(payload)).toEqual([]);
    const description = payload?.embeds[0]?.description ?? '';
    expect(description).toMatch(
      /^¶1 One\.\n\n¶3 Three @\u200beveryone\.\n\n\*\*▶ ¶4\*\* Four\.\n\n¶5 x+…\n\n¶6 Six\./,
    );
    expect(description).not.toContain('Read more');
    expect(description).not.toContain('Seven');
    expect(renderContext(article, 2)).toBeNull();
    expect(renderContext(article, 99)).toBeNull();
  });

  it('renders help within limits', () => {
    expect(messageProblems(renderHelp())).toEqual([]);
  });
});

describe('toChoices', () => {
  it('keeps at most 25 choices of 1–100 code points, without duplicates', () => {
    fc.assert(
      fc.property(fc.array(anyText(130), { maxLength: 60 }), (texts) => {
        const choices = toChoices(texts);
        expect(choiceProblems({ choices })).toEqual([]);
        expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length);
      }),
    );
  });

  it('leaves out values too long to submit rather than cutting them', () => {
    expect(toChoices(['a'.repeat(101), 'ok', '', 'ok'])).toEqual([{ name: 'ok', value: 'ok' }]);
  });
});
