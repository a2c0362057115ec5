import type { Latency, SizeFigures, SystemFigures } from './bench-measure.ts';

/** A size that could not be measured, and why (out of memory, a crash, a timeout). */
export interface SizeFailure {
  size: string;
  error: string;
  totalMs: number;
}

/** A figure the project holds the bot to, checked against one size. */
interface Target {
  size: string;
  name: string;
  limit: string;
  check: (figures: SizeFigures) => { value: string; met: boolean } | null;
}

const TARGETS: Target[] = [
  {
    size: 'seed',
    name: 'answer p99',
    limit: '≤ 2 ms',
    check: ({ bot }) => ({ value: ms(bot.answer.p99), met: bot.answer.p99 <= 2 }),
  },
  {
    size: 'seed',
    name: 'insights: record an answer p99',
    limit: '≤ 0.2 ms',
    check: ({ bot }) =>
      bot.insights
        ? { value: ms(bot.insights.recordP99), met: bot.insights.recordP99 <= 0.2 }
        : null,
  },
  {
    size: '100k',
    name: 'answer p99 vs raw p99',
    limit: '≤ 0.25×',
    check: ({ bot, raw }) => ratioCheck(bot.answer.p99, raw.answer.p99, 0.25, inMs),
  },
  {
    size: '100k',
    name: 'autocomplete p99',
    limit: '≤ 10 ms',
    check: ({ bot }) => ({ value: ms(bot.autocomplete.p99), met: bot.autocomplete.p99 <= 10 }),
  },
  {
    size: '100k',
    name: 'build time vs raw addAll',
    limit: '≤ 1.5×',
    check: ({ bot, raw }) => ratioCheck(bot.buildMs, raw.buildMs, 1.5, inMs),
  },
  {
    size: '100k',
    name: 'heap after build vs raw',
    limit: '≤ 1.5×',
    check: ({ bot, raw }) => ratioCheck(bot.heapBytes, raw.heapBytes, 1.5, inMib),
  },
];

/** A target checked against the figures of its size. */
export interface TargetCheck {
  size: string;
  name: string;
  limit: string;
  value: string;
  met: boolean;
}

/**
 * The targets that apply to the sizes measured, each with its figure and
 * whether it is met; a target whose size was not measured is left out.
 *
 * @example
 * checkTargets(results).filter((check) => !check.met) // the targets missed
 */
export function checkTargets(results: ReadonlyArray<SizeFigures | SizeFailure>): TargetCheck[] {
  return TARGETS.flatMap((target) => {
    const figures = results.find(
      (r): r is SizeFigures => r.size === target.size && !('error' in r),
    );
    const outcome = figures ? target.check(figures) : null;
    return outcome
      ? [{ size: target.size, name: target.name, limit: target.limit, ...outcome }]
      : [];
  });
}

/**
 * The benchmark as Markdown: one table per size comparing raw MiniSearch with
 * the bot, then the targets and whether each is met.
 *
 * @example
 * process.stdout.write(formatReport([await measureSize('1k', articles, 0, null)], ['node 20']));
 */
export function formatReport(
  results: ReadonlyArray<SizeFigures | SizeFailure>,
  header: string[],
): string {
  const lines = ['# talkbot benchmark', '', ...header.map((line) => `- ${line}`), ''];
  for (const result of results) {
    if ('error' in result) {
      lines.push(`## ${result.size}: not measured`, '', `${result.error}`, '');
      lines.push(`(after ${seconds(result.totalMs)})`, '');
      continue;
    }
    lines.push(...sizeTable(result), '');
  }
  const checks = checkTargets(results).map(
    (check) =>
      `| ${check.size} | ${check.name} | ${check.limit} | ${check.value} | ${check.met ? 'met' : '**missed**'} |`,
  );
  if (checks.length > 0) {
    lines.push(
      '## Targets',
      '',
      '| size | figure | target | measured | |',
      '|---|---|---|---|---|',
    );
    lines.push(...checks, '');
  }
  return lines.join('\n');
}

function sizeTable(figures: SizeFigures): string[] {
  const { raw, bot } = figures;
  const rows: Array<[string, string, string, string]> = [
    ['build (ms)', ms(raw.buildMs), ms(bot.buildMs), ratio(bot.buildMs, raw.buildMs)],
    [
      'build, CPU time (ms)',
      ms(raw.buildCpuMs),
      ms(bot.buildCpuMs),
      ratio(bot.buildCpuMs, raw.buildCpuMs),
    ],
    [
      'heap after build (MiB)',
      mib(raw.heapBytes),
      mib(bot.heapBytes),
      ratio(bot.heapBytes, raw.heapBytes),
    ],
    [
      'heap after queries (MiB)',
      mib(raw.heapAfterQueriesBytes),
      mib(bot.heapAfterQueriesBytes),
      ratio(bot.heapAfterQueriesBytes, raw.heapAfterQueriesBytes),
    ],
    ...snapshotRows(raw.snapshot, bot.snapshot),
    ...latencyRows('answer', raw.answer, bot.answer, ['p50', 'p95', 'p99']),
    [
      'answer, 500 characters of unknown words (ms)',
      '–',
      ms(bot.unknownWordsMs ?? Number.NaN),
      '–',
    ],
    ...insightsRows(bot),
    ...autocompleteRows(raw, bot),
  ];
  return [
    `## ${figures.size}: ${figures.passages.toLocaleString('en')} passages`,
    '',
    `${figures.articles.toLocaleString('en')} articles, ${(figures.corpusChars / 2 ** 20).toFixed(1)} MiB of text, ` +
      `${figures.vocabulary.toLocaleString('en')} index terms; ${figures.queries} queries and ` +
      `${figures.prefixes} typed prefixes; timed calls after a warm-up: answer ${raw.answer.samples} raw, ` +
      `${bot.answer.samples} bot; autocomplete ${raw.autocomplete.samples} raw, ` +
      `${bot.autocomplete.samples} bot; corpus made in ${seconds(figures.corpusMs)}, measured in ` +
      `${seconds(figures.totalMs)}; load average ${figures.loadAverage.map((l) => l.toFixed(1)).join(' → ')} ` +
      'on this machine.',
    '',
    '| | raw MiniSearch | bot | bot / raw |',
    '|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** Recording an answer for `/insights`: on the reply's path, and the batched write after it. */
function insightsRows(bot: SystemFigures): Array<[string, string, string, string]> {
  if (!bot.insights) return [];
  return [
    ['insights: record an answer p99 (ms)', '–', ms(bot.insights.recordP99), '–'],
    [
      'insights: batched write per answer, after the reply (ms)',
      '–',
      ms(bot.insights.writePerAnswer),
      '–',
    ],
  ];
}

function snapshotRows(
  raw: SystemFigures['snapshot'],
  bot: SystemFigures['snapshot'],
): Array<[string, string, string, string]> {
  const field = (
    s: SystemFigures['snapshot'],
    pick: (ok: { bytes: number; saveMs: number; loadMs: number }) => number,
  ) => ('error' in s ? null : pick(s));
  const row = (
    name: string,
    pick: (ok: { bytes: number; saveMs: number; loadMs: number }) => number,
    format: (value: number) => string,
  ): [string, string, string, string] => {
    const r = field(raw, pick);
    const b = field(bot, pick);
    return [
      name,
      r === null ? failed(raw) : format(r),
      b === null ? failed(bot) : format(b),
      r === null || b === null ? '–' : ratio(b, r),
    ];
  };
  const rows = [
    row('snapshot size (MiB)', (s) => s.bytes, mib),
    row('snapshot save (ms)', (s) => s.saveMs, ms),
    row('snapshot load (ms)', (s) => s.loadMs, ms),
  ];
  if (!('error' in bot) && bot.hashMs !== undefined) {
    rows.push(['corpus hash before load (ms)', '–', ms(bot.hashMs), '–']);
  }
  return rows;
}

function latencyRows(
  name: string,
  raw: Latency,
  bot: Latency,
  which: Array<'p50' | 'p95' | 'p99'>,
): Array<[string, string, string, string]> {
  return [
    ...which.map((p): [string, string, string, string] => [
      `${name} ${p} (ms)`,
      ms(raw[p]),
      ms(bot[p]),
      ratio(bot[p], raw[p]),
    ]),
    [
      `${name} p99, CPU time (ms)`,
      ms(raw.cpu.p99),
      ms(bot.cpu.p99),
      ratio(bot.cpu.p99, raw.cpu.p99),
    ],
    [
      `${name} p99, inputs seen before (ms)`,
      ms(raw.repeated.p99),
      ms(bot.repeated.p99),
      ratio(bot.repeated.p99, raw.repeated.p99),
    ],
  ];
}

function autocompleteRows(
  raw: SystemFigures,
  bot: SystemFigures,
): Array<[string, string, string, string]> {
  return [
    ...latencyRows('autocomplete', raw.autocomplete, bot.autocomplete, ['p50', 'p99']),
    ['autocomplete first call (ms)', '–', ms(bot.autocompleteFirstMs ?? Number.NaN), '–'],
  ];
}

function ratioCheck(
  bot: number,
  raw: number,
  limit: number,
  format: (value: number) => string,
): { value: string; met: boolean } {
  return { value: `${ratio(bot, raw)} (${format(bot)} / ${format(raw)})`, met: bot <= raw * limit };
}

function failed(snapshot: SystemFigures['snapshot']): string {
  return 'error' in snapshot ? `failed: ${snapshot.error}` : '';
}

function ratio(bot: number, raw: number): string {
  return raw > 0 ? `${(bot / raw).toFixed(2)}×` : '–';
}

/** Milliseconds with three significant digits. */
function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? Math.round(value).toLocaleString('en') : value.toPrecision(3);
}

const inMs = (value: number) => `${ms(value)} ms`;
const inMib = (bytes: number) => `${mib(bytes)} MiB`;

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}
