/** Rendering `/sources add` results and the sources section of `/refresh`. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAddSource, renderHelp, renderRefresh } from '../../src/discord/render.ts';
import { notRunReport, type RefreshReport } from '../../src/library/reports.ts';
import { addSourceSentence } from '../../src/replies/library-reports.ts';
import { messageProblems } from '../hostile-inputs.ts';
import { addSourceResults } from '../library-reports.ts';

const REPORT: RefreshReport = {
  status: 'done',
  serving: { articles: 3, passages: 60 },
  articles: { added: [], removed: [], changed: [] },
  paragraphs: { added: 0, removed: 0 },
  problems: [],
  kept: [],
  sources: { fetched: [], kept: [], failed: [], skipped: [] },
  durationMs: 12,
};

const descriptionOf = (payload: { embeds: Array<{ description?: string }> }) =>
  payload.embeds[0]?.description ?? '';

describe('renderAddSource', () => {
  it.each([
    ['added', '✅ Source added'],
    ['duplicate', '📰 Already a source'],
    ['refused', '⚠️ Not added'],
    ['invalid', '⚠️ Not a link I can fetch'],
    ['failed', '❌ Could not add the source'],
  ] as const)('titles a %s result “%s”, with what happened', (status, title) => {
    const result = addSourceResults('https://a.example/', REPORT).find((r) => r.status === status);
    if (!result) throw new Error(`no ${status} result`);
    const payload = renderAddSource(result);
    expect(payload.embeds[0]?.title).toBe(title);
    expect(descriptionOf(payload).startsWith(addSourceSentence(result))).toBe(true);
    expect(payload.allowedMentions).toEqual({ parse: [] });
  });

  it('tells whoever added an article how to ask about it', () => {
    const payload = renderAddSource({
      status: 'added',
      title: 'Bridge',
      id: 'url-a.example-0123456789',
      url: 'https://a.example/',
      refresh: REPORT,
    });
    expect(descriptionOf(payload)).toBe(
      'Added “Bridge” as url-a.example-0123456789. Refreshed: 3 articles, 60 passages.\n\nAsk about it with /ask; /sources list shows every article.',
    );
  });

  it('escapes what the asker typed, and fits any message', () => {
    const payload = renderAddSource({
      status: 'invalid',
      reason: '**@everyone** <@123456789012345678> is not a valid URL',
      url: '**@everyone**',
    });
    expect(descriptionOf(payload)).toBe(
      '\\*\\*@\u200beveryone\\*\\* <\u200b@123456789012345678> is not a valid URL',
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 6000 }), (text) => {
        for (const result of addSourceResults(text, REPORT)) {
          expect(messageProblems(renderAddSource(result))).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('renderRefresh: a refresh that did not run', () => {
  const titleOf = (payload: { embeds: Array<{ title?: string }> }) => payload.embeds[0]?.title;

  it('says the articles are still loading, not that a refresh runs, before the first index serves', () => {
    expect(titleOf(renderRefresh(notRunReport({ status: 'busy', busy: 'loading' })))).toBe(
      '⏳ The articles are still loading',
    );
    expect(titleOf(renderRefresh(notRunReport({ status: 'busy', busy: 'running' })))).toBe(
      '⏳ A refresh is already running',
    );
  });
});

describe('renderRefresh: the sources list', () => {
  it('shows nothing about it when no URL is listed', () => {
    expect(descriptionOf(renderRefresh(REPORT))).not.toContain('Sources list');
  });

  it('lists URLs fetched, kept from their last good copy, failed and skipped, with why', () => {
    const description = descriptionOf(
      renderRefresh({
        ...REPORT,
        sources: {
          fetched: [
            { url: 'https://a.example/one', id: 'url-a', title: 'One', changed: true },
            { url: 'https://a.example/two', id: 'url-b', title: 'Two', changed: false },
          ],
          kept: [{ url: 'https://b.example/x', id: 'url-c', reason: 'timed out after 10 s' }],
          failed: [{ url: 'ftp://c.example/', id: null, reason: 'uses the ftp: scheme' }],
          skipped: [{ url: 'https://d.example/late', id: 'url-d', reason: 'out of time' }],
        },
      }),
    );
    expect(description).toContain(
      [
        '**Sources list:** 2 fetched (1 changed), 1 kept from the last good copy, 1 failed, 1 skipped (time budget)',
        'Fetched:',
        '• https://a.example/one (changed)',
        '• https://a.example/two',
        'Kept (could not fetch; the last good copy is still used):',
        '• https://b.example/x: timed out after 10 s',
        'Failed (could not fetch, and there is no earlier copy):',
        '• ftp://c.example/: uses the ftp: scheme',
        'Skipped (the refresh ran out of time; any saved copy is still used):',
        '• https://d.example/late',
      ].join('\n'),
    );
  });

  it('shows it even when the refresh failed, and says how many URLs it left out', () => {
    const failed = Array.from({ length: 7 }, (_, i) => ({
      url: `https://a.example/${i}`,
      id: `url-${i}`,
      reason: '**down**',
    }));
    const description = descriptionOf(
      renderRefresh({
        ...REPORT,
        status: 'failed',
        failure: { code: 'no-articles' },
        sources: { fetched: [], kept: [], failed, skipped: [] },
      }),
    );
    expect(description).toContain('• https://a.example/4: \\*\\*down\\*\\*');
    expect(description).not.toContain('https://a.example/5');
    expect(description).toContain('…and 2 more.');
  });
});

describe('renderHelp', () => {
  it('explains both /sources subcommands', () => {
    const description = descriptionOf(renderHelp());
    expect(description).toContain('**/sources list**');
    expect(description).toContain('**/sources add** `url` — add a news article by its link');
  });
});
