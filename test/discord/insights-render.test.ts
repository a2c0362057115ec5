import { describe, expect, it } from 'vitest';
import { Limits } from '../../src/discord/constants.ts';
import { CustomIdCodec } from '../../src/discord/custom-id.ts';
import { renderInsights, renderVote } from '../../src/discord/insights-render.ts';
import { codePointLength } from '../../src/discord/text.ts';
import type { InsightsReport } from '../../src/insights/insights.ts';

const HOSTILE = '@everyone **bold** <@123456789012345678> # heading `code` '.repeat(8);

function bigReport(): InsightsReport {
  return {
    days: 30,
    totals: { questions: 500, answered: 300, refused: 200, up: 10, down: 40, members: 90 },
    refused: Array.from({ length: 50 }, (_, i) => ({
      question: `${i} ${HOSTILE}`,
      count: 50 - i,
      members: 3,
      code: null,
      reason: HOSTILE,
    })),
    downvoted: Array.from({ length: 25 }, (_, i) => ({
      question: `${i} ${HOSTILE}`,
      reason: null,
      up: 1,
      down: 25 - i,
      citation: {
        article: `article-${i}`,
        paragraph: i + 1,
        ...(i === 0 ? { part: 2, parts: 3 } : {}),
        excerpt: HOSTILE,
      },
    })),
  };
}

describe('renderInsights', () => {
  it('pages a long report within Discord limits, escaping every text', () => {
    const context = { customIds: new CustomIdCodec() };
    const report = bigReport();
    const first = renderInsights(report, 'ok', { days: 30, page: 0 }, context);
    const total = Number(/of (\d+)/.exec(first.embeds[0]?.footer?.text ?? '')?.[1]);
    expect(total).toBeGreaterThan(3);
    const seen: string[] = [];
    for (let page = 0; page < total; page++) {
      const payload = renderInsights(report, 'ok', { days: 30, page }, context);
      const embed = payload.embeds[0];
      const description = embed?.description ?? '';
      seen.push(description);
      expect(codePointLength(description)).toBeLessThanOrEqual(Limits.embedDescription);
      const size =
        codePointLength(embed?.title ?? '') +
        codePointLength(description) +
        codePointLength(embed?.footer?.text ?? '');
      expect(size).toBeLessThanOrEqual(Limits.embedsTotal);
      expect(description).not.toMatch(/@everyone|<@\d/);
      const ids = payload.components.flatMap((row) =>
        row.components.map((b) => ('custom_id' in b ? b.custom_id : '')),
      );
      const expected = [
        ...(page > 0 ? [`ins:30:${page - 1}`] : []),
        ...(page < total - 1 ? [`ins:30:${page + 1}`] : []),
      ];
      expect(ids).toEqual(expected);
    }
    const all = seen.join('\n');
    expect(all).toContain('**50.**');
    expect(all).toContain('**25.**');
    expect(all).toContain('\\*\\*bold\\*\\*');
    expect(all).toContain('article-0 ¶1, part 2');
  });

  it('shows the last page for a page past the end', () => {
    const context = { customIds: new CustomIdCodec() };
    const payload = renderInsights(bigReport(), 'ok', { days: 30, page: 100 }, context);
    expect(payload.embeds[0]?.footer?.text).toMatch(/^Page (\d+) of \1$/);
  });

  it('says storage is unavailable, or off', () => {
    const context = { customIds: new CustomIdCodec() };
    expect(renderInsights(null, 'unavailable', { days: 30, page: 0 }, context).content).toContain(
      'storage is unavailable',
    );
    expect(renderInsights(null, 'off', { days: 30, page: 0 }, context).content).toContain(
      'INSIGHTS_DB=off',
    );
  });

  it('acknowledges each vote outcome in its own words', () => {
    const outcomes = [
      'counted',
      'changed',
      'unchanged',
      'unknown',
      'forged',
      'not-recorded',
      'unavailable',
    ] as const;
    const texts = outcomes.map((outcome) => renderVote(outcome, 'down').content);
    expect(new Set(texts).size).toBe(outcomes.length);
  });
});
