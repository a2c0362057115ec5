/**
 * The sentences the front ends say about a refresh or an added source: the
 * library reports codes and counts, and only `src/replies` puts them into words.
 */
import { describe, expect, it } from 'vitest';
import type { RefreshReport } from '../src/library/reports.ts';
import { addSourceSentence, refreshSentence } from '../src/replies/library-reports.ts';
import { noSources } from '../src/sources/refresh-sources.ts';

const PARTS = {
  articles: { added: [], removed: [], changed: [] },
  paragraphs: { added: 0, removed: 0 },
  problems: [],
  kept: [],
  sources: noSources(),
  durationMs: 5,
};
const DONE: RefreshReport = { ...PARTS, status: 'done', serving: { articles: 1, passages: 28 } };
const entry = { url: 'https://a.example/', id: 'url-a', reason: 'timed out' };

describe('refreshSentence', () => {
  it('counts what serves, with one article and passage in the singular', () => {
    expect(refreshSentence(DONE)).toBe('Refreshed: 1 article, 28 passages.');
    expect(refreshSentence({ ...DONE, serving: { articles: 2, passages: 1 } })).toBe(
      'Refreshed: 2 articles, 1 passage.',
    );
  });

  it('names each article kept from its last good version, the file or the sidecar at fault', () => {
    const kept = [
      { id: 'lighthouse', file: 'lighthouse.txt', reason: 'is a binary file, not text' },
      {
        id: 'talks',
        file: 'talks.txt',
        reason: 'its metadata talks.json: metadata is not valid JSON',
      },
    ];
    expect(refreshSentence({ ...DONE, kept })).toBe(
      'Refreshed: 1 article, 28 passages. Kept the last good version of lighthouse: lighthouse.txt is a binary file, not text. Kept the last good version of talks: its metadata talks.json: metadata is not valid JSON.',
    );
  });

  it('counts skipped files and sources kept, failed and skipped', () => {
    const report: RefreshReport = {
      ...DONE,
      problems: [{ file: 'empty.txt', reason: 'is empty' }],
      sources: { fetched: [], kept: [entry], failed: [entry, entry], skipped: [entry] },
    };
    expect(refreshSentence(report)).toBe(
      'Refreshed: 1 article, 28 passages. 1 file skipped. 1 source could not be fetched; the last saved copy is still used. 2 sources could not be fetched and had no saved copy. 1 source skipped: the refresh ran out of time; any saved copy is still used.',
    );
  });

  it.each([
    [{ code: 'no-articles' }, 'no article in the new content could be loaded'],
    [{ code: 'unreadable', dir: 'seeds', error: 'ENOENT' }, 'could not read seeds (ENOENT)'],
    [{ code: 'builder-stopped', error: 'the index builder stopped' }, 'the index builder stopped'],
    [{ code: 'unexpected', error: 'boom' }, 'the refresh stopped on an unexpected error (boom)'],
  ] as const)('says why a failed refresh changed nothing (%o)', (failure, why) => {
    expect(refreshSentence({ ...PARTS, status: 'failed', failure })).toBe(
      `Nothing changed: ${why}. The previous content is still being served.`,
    );
  });

  it('says why a refresh did not run', () => {
    expect(refreshSentence({ ...PARTS, status: 'busy', busy: 'loading' })).toBe(
      'The articles are still loading; refresh once they are ready.',
    );
    expect(refreshSentence({ ...PARTS, status: 'busy', busy: 'running' })).toBe(
      'A refresh is already running; its result will be posted when it ends.',
    );
    expect(refreshSentence({ ...PARTS, status: 'cooldown', retryAt: 0 })).toBe(
      'The content was refreshed moments ago.',
    );
  });
});

describe('addSourceSentence', () => {
  const url = 'https://news.example/bridge';
  const id = 'url-news.example-0123456789';

  it('names the article added, then what the refresh did', () => {
    expect(addSourceSentence({ status: 'added', url, id, title: 'Bridge', refresh: DONE })).toBe(
      `Added “Bridge” as ${id}. Refreshed: 1 article, 28 passages.`,
    );
  });

  it('says why nothing was added', () => {
    expect(addSourceSentence({ status: 'duplicate', url, id })).toBe(
      `${url} is already in the sources list (article ${id}); /refresh fetches it again.`,
    );
    expect(addSourceSentence({ status: 'invalid', url, reason: 'uses the ftp: scheme' })).toBe(
      'uses the ftp: scheme',
    );
    expect(
      addSourceSentence({ status: 'failed', url, id, failure: 'fetch', reason: 'timed out' }),
    ).toBe('Not added: timed out');
    expect(
      addSourceSentence({ status: 'failed', url, id, failure: 'list', reason: 'EACCES' }),
    ).toBe(
      'Not added: the sources list could not be updated (EACCES); check that the seeds folder is writable.',
    );
  });

  it('tells a non-owner whom to ask, and everyone when adding is off', () => {
    expect(addSourceSentence({ status: 'refused', url, reason: 'not-owner' })).toBe(
      'Only the bot’s owners can add sources; ask one of them to add this link.',
    );
    expect(addSourceSentence({ status: 'refused', url, reason: 'no-owners' })).toBe(
      'Adding sources is turned off: no bot owner is configured (OWNER_IDS).',
    );
  });
});
