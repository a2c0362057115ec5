/**
 * Library reports for the render tests: one result of each kind of
 * `addSource`, with a given text wherever the asker or a fetched page can put one.
 */
import type { AddSourceResult, RefreshReport } from '../src/library/reports.ts';

/**
 * One `AddSourceResult` of each status, `text` in every URL, id, title and reason.
 *
 * @example
 * for (const result of addSourceResults('**@everyone**', report)) renderAddSource(result);
 */
export function addSourceResults(text: string, refresh: RefreshReport): AddSourceResult[] {
  return [
    { status: 'added', url: text, id: text, title: text, refresh },
    { status: 'duplicate', url: text, id: text },
    { status: 'refused', url: text, reason: 'not-owner' },
    { status: 'invalid', url: text, reason: text },
    { status: 'failed', url: text, id: text, failure: 'fetch', reason: text },
  ];
}
