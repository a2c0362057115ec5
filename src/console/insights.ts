/**
 * `/insights` in the console: the operator's report over every server, as
 * plain text.
 */
import { citeParagraph } from '../answer/answer.ts';
import type { Insights } from '../insights/insights.ts';
import { MAX_REPORT_DAYS, MIN_REPORT_DAYS } from '../insights/insights.ts';

/** Days a report covers unless the operator gives a number. */
const DEFAULT_DAYS = 30;

/**
 * The report of the last `days` days (the argument text; default 30) over every server.
 *
 * @example
 * renderConsoleInsights(insights, '7') // => 'Insights, every server, last 7 days\nTotals: …'
 */
export function renderConsoleInsights(insights: Insights, argument: string): string {
  const text = argument.trim() || String(DEFAULT_DAYS);
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < MIN_REPORT_DAYS || days > MAX_REPORT_DAYS) {
    return `Usage: /insights [days], days a whole number from ${MIN_REPORT_DAYS} to ${MAX_REPORT_DAYS}.`;
  }
  if (insights.status === 'off') {
    return 'Insights are turned off (INSIGHTS_DB=off), so nothing is recorded.';
  }
  const report = insights.report(null, days);
  if (!report) return 'Insights storage is unavailable; the log says why.';
  const { totals } = report;
  const lines = [
    `Insights, every server, last ${days} day${days === 1 ? '' : 's'}`,
    `Totals: ${totals.questions} questions from ${totals.members} members, ${totals.answered} answered, ${totals.refused} refused, ${totals.up} 👍, ${totals.down} 👎`,
    '',
    'Refused most often:',
    ...report.refused.map(
      (group, i) =>
        `  ${i + 1}. "${group.question}" — ${group.count}× by ${group.members} member(s)${describeRefusal(group)}`,
    ),
    ...(report.refused.length === 0 ? ['  none'] : []),
    '',
    'Answers with the most 👎:',
    ...report.downvoted.map((answer, i) => {
      const cited = answer.citation
        ? `\n     ${answer.citation.article} ${citeParagraph(answer.citation)}: ${answer.citation.excerpt}`
        : `\n     refused: ${answer.reason ?? ''}`;
      return `  ${i + 1}. "${answer.question}" — ${answer.down} 👎, ${answer.up} 👍${cited}`;
    }),
    ...(report.downvoted.length === 0 ? ['  none'] : []),
  ];
  return lines.join('\n');
}

/** ` (code · reason)`, or nothing when the refusal has neither. */
function describeRefusal(group: { code: string | null; reason: string | null }): string {
  const why = [group.code, group.reason].filter(Boolean).join(' · ');
  return why ? ` (${why})` : '';
}
