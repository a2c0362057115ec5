/** The bench's target checks, which `npm run bench -- --check` turns into its exit code. */
import { describe, expect, it } from 'vitest';
import type { Latency, SizeFigures, SystemFigures } from '../scripts/lib/bench-measure.ts';
import { checkTargets, formatReport } from '../scripts/lib/bench-report.ts';

function latency(p99: number): Latency {
  const percentiles = { p50: p99 / 10, p95: p99 / 2, p99 };
  return { ...percentiles, cpu: percentiles, repeated: percentiles, samples: 100 };
}

function system(answerP99: number): SystemFigures {
  return {
    buildMs: 10,
    buildCpuMs: 10,
    heapBytes: 1 << 20,
    heapAfterQueriesBytes: 1 << 20,
    snapshot: { error: 'not measured here' },
    answer: latency(answerP99),
    autocomplete: latency(0.5),
  };
}

function seedFigures(botAnswerP99: number): SizeFigures {
  return {
    size: 'seed',
    passages: 28,
    articles: 1,
    corpusChars: 10_000,
    vocabulary: 500,
    queries: 100,
    prefixes: 10,
    corpusMs: 1,
    loadAverage: [0, 0],
    raw: system(0.1),
    bot: system(botAnswerP99),
    totalMs: 100,
  };
}

describe('checkTargets', () => {
  it('finds a missed target, and one met', () => {
    expect(checkTargets([seedFigures(3)])).toEqual([
      { size: 'seed', name: 'answer p99', limit: '≤ 2 ms', value: expect.any(String), met: false },
    ]);
    expect(checkTargets([seedFigures(1)]).map((check) => check.met)).toEqual([true]);
  });

  it('leaves out the targets of sizes not measured', () => {
    expect(checkTargets([{ size: 'seed', error: 'out of memory', totalMs: 5 }])).toEqual([]);
  });

  it('marks a missed target in the report', () => {
    expect(formatReport([seedFigures(3)], [])).toMatch(
      /\| seed \| answer p99 \| ≤ 2 ms \| .* \| \*\*missed\*\* \|/,
    );
  });
});
