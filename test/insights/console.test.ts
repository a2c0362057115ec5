import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConsoleCommand } from '../../src/console/console.ts';
import { Insights } from '../../src/insights/insights.ts';
import type { Library } from '../../src/library/library.ts';

let dir: string;
let insights: Insights;
const quiet = { warn: () => {}, info: () => {} };
/** The console's /insights never touches the library. */
const library = {} as Library;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'talkbot-console-insights-'));
  insights = Insights.open({ path: join(dir, 'i.sqlite'), retentionDays: 30, logger: quiet });
});

afterEach(() => {
  insights.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console /insights', () => {
  it('reports over every server', async () => {
    for (const guildId of ['100000000000000001', '100000000000000002']) {
      insights.recordAnswer({
        guildId,
        userId: '200000000000000001',
        private: false,
        answer: {
          question: 'what did china say',
          answered: false,
          code: 'unknown-name',
          reason: 'No article mentions china.',
          results: [],
          total: 0,
        },
      });
    }
    const text = await runConsoleCommand(library, '/insights 7', undefined, insights);
    expect(text).toContain('Insights, every server, last 7 days');
    expect(text).toContain('Totals: 2 questions from 2 members, 0 answered, 2 refused');
    expect(text).toContain('1. "what did china say" — 2× by 2 member(s)');
  });

  it('refuses days out of range and says when insights are off', async () => {
    expect(await runConsoleCommand(library, '/insights 0', undefined, insights)).toMatch(/^Usage/);
    expect(await runConsoleCommand(library, '/insights soon', undefined, insights)).toMatch(
      /^Usage/,
    );
    expect(await runConsoleCommand(library, '/insights')).toContain('turned off');
  });
});
