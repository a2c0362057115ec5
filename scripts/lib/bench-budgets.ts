/**
 * Time budgets that tests used to assert and no longer do (a test that reads the
 * wall clock fails on a busy machine): the answering core and the text functions
 * on every hostile input, escaping long runs of markdown, and autocomplete. Each
 * budget is generous next to the normal figure and tight next to a hang or a
 * quadratic blow-up; `npm run bench -- --check` fails when one is over.
 */
import { answer, searchPassages } from '../../src/answer/answer.ts';
import { completeQuery } from '../../src/answer/autocomplete.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { fitEscaped } from '../../src/discord/text.ts';
import { buildIndex } from '../../src/search/build.ts';
import { foldText } from '../../src/text/normalize.ts';
import { indexTerms } from '../../src/text/terms.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { HOSTILE_INPUTS } from '../../test/hostile-inputs.ts';

/** One budget: the worst time measured against its limit. */
export interface BudgetFigure {
  name: string;
  /** The worst case measured, in milliseconds. */
  ms: number;
  budgetMs: number;
  /** What took longest (an input's name), when there are several. */
  worst: string;
}

/**
 * Milliseconds `run` takes: the best of `repeats` runs, so a pause for GC or a busy core is
 * not billed. Answering is timed once: a repeat would hit the WordNet cache and hide the work
 * a new question costs.
 */
function time(run: () => unknown, repeats = 3): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** The slowest of `cases` under `run`, as a figure. */
function slowest<T extends { name: string }>(
  name: string,
  budgetMs: number,
  cases: readonly T[],
  run: (item: T) => unknown,
  repeats = 3,
): BudgetFigure {
  let figure: BudgetFigure = { name, ms: 0, budgetMs, worst: '' };
  for (const item of cases) {
    const ms = time(() => run(item), repeats);
    if (ms > figure.ms) figure = { name, ms, budgetMs, worst: item.name };
  }
  return figure;
}

/**
 * Measures every budget on the seed corpus in `seedsDir`.
 *
 * @example
 * const figures = await measureBudgets('seeds');
 * figures.every((f) => f.ms <= f.budgetMs) // => true on a healthy build
 */
export async function measureBudgets(seedsDir: string): Promise<BudgetFigure[]> {
  const index = buildIndex((await loadCorpus(seedsDir)).articles);
  answer(index, 'Who led the delegation?'); // WordNet loads lazily: not billed to the first input.
  const text = (t: { text: string }) => [foldText, tokenize, indexTerms].map((f) => f(t.text));
  const runs = ['`', '*', '_', '||', 'a_b*c~d`e|'].map((run) => ({ name: run, text: run }));
  const partials = Array.from({ length: 500 }, (_, i) => `Who led ${'abcdefghij'[i % 10]}`);
  return [
    slowest('answer, per hostile input', 200, HOSTILE_INPUTS, (t) => answer(index, t.text), 1),
    slowest(
      'searchPassages, per hostile input',
      200,
      HOSTILE_INPUTS,
      (t) => searchPassages(index, t.text),
      1,
    ),
    slowest('fold, tokenize, index terms, per hostile input', 50, HOSTILE_INPUTS, text),
    slowest('fitEscaped of 30,000 repeats to 4,096', 500, runs, (r) =>
      fitEscaped(r.text.repeat(30_000), 4096),
    ),
    {
      name: 'completeQuery, mean of 500',
      ms: time(() => partials.map((p) => completeQuery(index, p))) / partials.length,
      budgetMs: 2,
      worst: '',
    },
  ];
}

/**
 * The report's lines for the budgets.
 *
 * @example
 * formatBudgets([{ name: 'x', ms: 1.5, budgetMs: 2, worst: '' }]).at(-1) // => '| x | 1.5 | 2 | ok |'
 */
export function formatBudgets(figures: readonly BudgetFigure[]): string[] {
  return [
    '## Time budgets (asserted here, not in tests)',
    '',
    '| what | worst ms | budget ms | verdict |',
    '| --- | ---: | ---: | --- |',
    ...figures.map(
      (f) =>
        `| ${f.name}${f.worst ? ` (worst: ${f.worst})` : ''} | ${f.ms.toFixed(1)} | ${f.budgetMs} | ${f.ms <= f.budgetMs ? 'ok' : 'OVER'} |`,
    ),
  ];
}

/** For `--check`: 1 when a budget is over, else 0. */
export function budgetsVerdict(figures: readonly BudgetFigure[]): number {
  const over = figures.filter((f) => f.ms > f.budgetMs);
  for (const f of over) {
    process.stderr.write(`Over budget: ${f.name}: ${f.ms.toFixed(1)} ms > ${f.budgetMs} ms\n`);
  }
  return over.length > 0 ? 1 : 0;
}
