/**
 * What the library did, in the sentences the bot's front ends say: Discord's
 * replies and the console share them. The library reports plain data (codes
 * and counts); only here is it put into words.
 */
import type { FileProblem } from '../corpus/types.ts';
import type { AddSourceResult, RefreshFailure, RefreshReport } from '../library/reports.ts';

/**
 * A refresh report's lead sentence: what serves now and what was left out,
 * or why nothing changed.
 *
 * @example
 * refreshSentence(await library.refresh()) // => 'Refreshed: 2 articles, 57 passages. 1 file skipped.'
 */
export function refreshSentence(report: RefreshReport): string {
  switch (report.status) {
    case 'done':
      return doneSentence(report);
    case 'failed':
      return `Nothing changed: ${failureClause(report.failure)}. The previous content is still being served.`;
    case 'busy':
      return report.busy === 'loading'
        ? 'The articles are still loading; refresh once they are ready.'
        : 'A refresh is already running; its result will be posted when it ends.';
    case 'cooldown':
      return 'The content was refreshed moments ago.';
  }
}

/**
 * What adding a source did, for the asker.
 *
 * @example
 * addSourceSentence(await library.addSource(url, request)) // => 'Added “Talks” as news-example-talks. Refreshed: 3 articles, 80 passages.'
 */
export function addSourceSentence(result: AddSourceResult): string {
  switch (result.status) {
    case 'added':
      return `Added “${result.title}” as ${result.id}. ${refreshSentence(result.refresh)}`;
    case 'duplicate':
      return `${result.url} is already in the sources list (article ${result.id}); /refresh fetches it again.`;
    case 'invalid':
      return result.reason;
    case 'failed':
      return result.failure === 'fetch'
        ? `Not added: ${result.reason}`
        : `Not added: the sources list could not be updated (${result.reason}); check that the seeds folder is writable.`;
    case 'refused':
      return result.reason === 'no-owners'
        ? 'Adding sources is turned off: no bot owner is configured (OWNER_IDS).'
        : 'Only the bot’s owners can add sources; ask one of them to add this link.';
  }
}

function failureClause(failure: RefreshFailure): string {
  switch (failure.code) {
    case 'builder-stopped':
      return failure.error;
    case 'unreadable':
      return `could not read ${failure.dir} (${failure.error})`;
    case 'no-articles':
      return 'no article in the new content could be loaded';
    case 'unexpected':
      return `the refresh stopped on an unexpected error (${failure.error})`;
  }
}

function doneSentence(report: Extract<RefreshReport, { status: 'done' }>): string {
  const { serving, kept, problems, sources } = report;
  const parts = [
    `Refreshed: ${plural(serving.articles, 'article')}, ${plural(serving.passages, 'passage')}.`,
  ];
  for (const article of kept) {
    parts.push(`Kept the last good version of ${article.id}: ${whatIsWrong(article)}.`);
  }
  if (problems.length > 0) parts.push(`${plural(problems.length, 'file')} skipped.`);
  if (sources.kept.length > 0) {
    parts.push(
      `${plural(sources.kept.length, 'source')} could not be fetched; the last saved copy is still used.`,
    );
  }
  if (sources.failed.length > 0) {
    parts.push(
      `${plural(sources.failed.length, 'source')} could not be fetched and had no saved copy.`,
    );
  }
  if (sources.skipped.length > 0) {
    parts.push(
      `${plural(sources.skipped.length, 'source')} skipped: the refresh ran out of time; any saved copy is still used.`,
    );
  }
  return parts.join(' ');
}

/**
 * The loader's reasons read after the file's name ("lighthouse.txt is a binary
 * file, not text"), except a sidecar's, which names its own file ("its metadata
 * lighthouse.json: …").
 */
function whatIsWrong({ file, reason }: FileProblem): string {
  return reason.startsWith('its ') ? reason : `${file} ${reason}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
