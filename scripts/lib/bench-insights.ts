/**
 * What recording insights adds to an answer: the time `Insights.recordAnswer`
 * takes on the reply's path (it queues), and the time the batched write takes
 * later, off it, per answer written. On a temporary SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Answer } from '../../src/answer/answer.ts';
import { Insights } from '../../src/insights/insights.ts';

/** Answers queued before each batched write, as a busy minute might. */
const BATCH = 100;
/** Recorded answers timed, at least. */
const SAMPLES = 20_000;

/** The figures of {@link measureInsights}, in milliseconds. */
export interface InsightsFigures {
  recordP50: number;
  recordP99: number;
  /** The batched write's time divided by the answers it wrote. */
  writePerAnswer: number;
}

/**
 * Records the given answers over and over (as if asked in one server by
 * different members), timing each call, and writes them in batches.
 *
 * @example
 * const { recordP99 } = measureInsights(questions.map((q) => answer(index, q)));
 */
export function measureInsights(answers: ReadonlyArray<Answer>): InsightsFigures {
  const dir = mkdtempSync(join(tmpdir(), 'talkbot-bench-insights-'));
  const insights = Insights.open({
    path: join(dir, 'insights.sqlite'),
    retentionDays: 30,
    logger: { warn: () => {}, info: () => {} },
  });
  const times: number[] = [];
  let writeMs = 0;
  let written = 0;
  try {
    for (let i = 0; times.length < SAMPLES && answers.length > 0; i++) {
      const answer = answers[i % answers.length] as Answer;
      const started = performance.now();
      insights.recordAnswer({
        guildId: '100000000000000001',
        userId: String(200_000_000_000_000_000n + BigInt(i % 500)),
        private: false,
        answer,
      });
      times.push(performance.now() - started);
      if (times.length % BATCH === 0) {
        const flush = performance.now();
        insights.flush();
        writeMs += performance.now() - flush;
        written += BATCH;
      }
    }
  } finally {
    insights.close();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return {
    recordP50: at(0.5),
    recordP99: at(0.99),
    writePerAnswer: writeMs / Math.max(1, written),
  };
}
