import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUESTION_SETS } from './sets.ts';

type Style = 'keywords' | 'question' | 'paraphrase' | 'casual' | 'spelling';

interface AnswerableQuestion {
  q: string;
  paragraphs: number[];
  style: Style;
}

interface UnanswerableQuestion {
  q: string;
  why: string;
  style?: Style;
}

interface QuestionSet {
  article: string;
  answerable: AnswerableQuestion[];
  unanswerable: UnanswerableQuestion[];
}

const STYLES: readonly string[] = ['keywords', 'question', 'paraphrase', 'casual', 'spelling'];

// Lines of the seed that are page furniture (latest-updates link, related headlines,
// "Read more:", video player notices, podcast promo) and must never be gold answers.
const BOILERPLATE = new Set([5, 8, 9, 10, 16, 17, 18, 24, 30, 34]);

const here = import.meta.dirname;
const repoRoot = join(here, '..', '..');
// Paragraph N = line N (1-based); a trailing newline does not add a paragraph.
const seedLines = readFileSync(join(repoRoot, 'seeds', '000_54ae5372d3de91ff.txt'), 'utf8')
  .replace(/\r?\n$/, '')
  .split(/\r?\n/);

// Every question set (see scripts/eval.ts) obeys the same rules.
describe.each(QUESTION_SETS.map(([, file]) => file))('eval question set %s', (file) => {
  const set = JSON.parse(readFileSync(join(here, file), 'utf8')) as QuestionSet;

  it('targets the Istanbul talks seed article', () => {
    expect(set.article).toBe('000_54ae5372d3de91ff');
    expect(seedLines.length).toBe(38);
  });

  it('has enough questions', () => {
    expect(set.answerable.length).toBeGreaterThanOrEqual(60);
    expect(set.unanswerable.length).toBeGreaterThanOrEqual(10);
  });

  it('only uses gold paragraphs that exist and are not boilerplate', () => {
    for (const { q, paragraphs } of set.answerable) {
      expect(paragraphs.length, q).toBeGreaterThan(0);
      expect(new Set(paragraphs).size, q).toBe(paragraphs.length);
      for (const n of paragraphs) {
        expect(Number.isInteger(n), `${q}: ${n}`).toBe(true);
        expect(n, q).toBeGreaterThanOrEqual(1);
        expect(n, q).toBeLessThanOrEqual(seedLines.length);
        expect(seedLines[n - 1]?.trim(), `${q}: line ${n} is empty`).not.toBe('');
        expect(BOILERPLATE.has(n), `${q}: line ${n} is boilerplate`).toBe(false);
      }
    }
  });

  it('has no duplicate questions', () => {
    const all = [...set.answerable, ...set.unanswerable].map(({ q }) => q.trim().toLowerCase());
    const dupes = all.filter((q, i) => all.indexOf(q) !== i);
    expect(dupes).toEqual([]);
  });

  it('labels every question with a known style', () => {
    for (const { q, style } of set.answerable) {
      expect(STYLES, q).toContain(style);
    }
    for (const { q, style } of set.unanswerable) {
      if (style !== undefined) expect(STYLES, q).toContain(style);
    }
  });

  it('explains every unanswerable question', () => {
    for (const { q, why } of set.unanswerable) {
      expect(q.trim(), 'empty question').not.toBe('');
      expect(why.trim(), q).not.toBe('');
    }
  });
});
