/**
 * The eval question sets in this folder, by name and file, each written by
 * someone who saw only the article, never the code:
 * - `questions.json`, the dev set the ranking was tuned on;
 * - `validation.json` and `fresh.json`, written in the second session, scored, then read;
 * - `blind.json` and `final.json`, written at the start of the third, each scored
 *   before it was read;
 * - `last.json`, written later in the third session and scored only at its end;
 * - `unseen-a.json` and `unseen-b.json`, written at the start of the fourth,
 *   scored once after its first changes, then read;
 * - `unseen-c.json` and `unseen-d.json`, written later in the fourth session, each
 *   scored once before anyone read it; unseen-c was read afterwards, unseen-d never;
 * - `unseen-e.json` and `unseen-f.json`, written at the start of the fifth, scored on
 *   the code as it stood then (no change to answering landed after), never read.
 *
 * `scripts/eval.ts` scores every set listed here; `questions.test.ts` checks their form.
 */
export const QUESTION_SETS = [
  ['dev', 'questions.json'],
  ['validation', 'validation.json'],
  ['fresh', 'fresh.json'],
  ['blind', 'blind.json'],
  ['final', 'final.json'],
  ['last', 'last.json'],
  ['unseen-a', 'unseen-a.json'],
  ['unseen-b', 'unseen-b.json'],
  ['unseen-c', 'unseen-c.json'],
  ['unseen-d', 'unseen-d.json'],
  ['unseen-e', 'unseen-e.json'],
  ['unseen-f', 'unseen-f.json'],
] as const;
