/**
 * Answer quality on the question sets in `test/eval/` (see {@link QUESTION_SETS}):
 * hit@1, hit@3, MRR@5, abstention rates and hit@1 of the ranking alone, on the
 * seed corpus alone and with the seed article among the State of the Union
 * addresses as distractors.
 *
 *   npm run eval               # both corpora
 *   npm run eval -- --verbose  # also list every miss
 *   npm run eval -- --json     # figures as JSON
 */
import { readFileSync } from 'node:fs';
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

export interface EvalFigures {
  corpus: string;
  passages: number;
  hitAt1: number;
  /**
   * hit@1 of the ranking alone: the first passage `searchPassages` lists, even
   * for a question `answer` refuses. What better refusals could gain at most.
   */
  rankedHitAt1: number;
  hitAt3: number;
  mrrAt5: number;
  abstainUnanswerable: number;
  abstainAnswerable: number;
  boilerplateReturned: number;
  /** hit@1 per question style (keywords, question, paraphrase, casual, spelling). */
  hitAt1ByStyle: Record<string, number>;
  misses: string[];
}

/** Scores every question of the set against one index. */
export function evaluate(index: SearchIndex, set: QuestionSet, corpus: string): EvalFigures {
  const boilerplate = new Set(
    index.articles.flatMap((article) =>
      article.paragraphs.filter((p) => p.boilerplate).map((p) => `${article.id}#${p.number}`),
    ),
  );
  let hit1 = 0;
  let rankedHit1 = 0;
  let hit3 = 0;
  let reciprocalRanks = 0;
  let abstainedAnswerable = 0;
  let boilerplateReturned = 0;
  const misses: string[] = [];
  const styles = new Map<string, { asked: number; hits: number }>();
  for (const { q, paragraphs, style = 'unstyled' } of set.answerable) {
    const result = answer(index, q, { limit: 5 });
    const ids = result.results.map((r) => `${r.source.article}#${r.source.paragraph}`);
    boilerplateReturned += ids.filter((id) => boilerplate.has(id)).length;
    const wanted = new Set(paragraphs.map((p) => `${set.article}#${p}`));
    const rank = ids.findIndex((id) => wanted.has(id));
    // Where the bot answers, its first passage is the ranking's first.
    const [first] = result.answered
      ? result.results
      : searchPassages(index, q, { limit: 1 }).results;
    if (first && wanted.has(`${first.source.article}#${first.source.paragraph}`)) rankedHit1++;
    if (!result.answered) abstainedAnswerable++;
    const tally = styles.get(style) ?? { asked: 0, hits: 0 };
    tally.asked++;
    if (rank === 0) tally.hits++;
    styles.set(style, tally);
    if (rank === 0) hit1++;
    if (rank >= 0 && rank < 3) hit3++;
    if (rank >= 0) reciprocalRanks += 1 / (rank + 1);
    if (rank !== 0) {
      misses.push(
        `  [${style}] ${result.answered ? `rank ${rank < 0 ? '>5' : rank + 1}` : 'ABSTAINED'}: ${q}  (want ${paragraphs.join('/')}, got ${ids.slice(0, 3).join(' ') || result.reason})`,
      );
    }
  }
  let abstainedUnanswerable = 0;
  for (const { q } of set.unanswerable) {
    const result = answer(index, q);
    if (!result.answered) abstainedUnanswerable++;
    else
      misses.push(
        `  ANSWERED unanswerable: ${q}  (got ${result.results[0]?.source.article}#${result.results[0]?.source.paragraph})`,
      );
  }
  const n = set.answerable.length;
  return {
    corpus,
    passages: index.passages.length,
    hitAt1: hit1 / n,
    rankedHitAt1: rankedHit1 / n,
    hitAt3: hit3 / n,
    mrrAt5: reciprocalRanks / n,
    abstainUnanswerable: abstainedUnanswerable / set.unanswerable.length,
    abstainAnswerable: abstainedAnswerable / n,
    boilerplateReturned,
    hitAt1ByStyle: Object.fromEntries([...styles].map(([style, t]) => [style, t.hits / t.asked])),
    misses,
  };
}

function printFigures(figures: EvalFigures, verbose: boolean) {
  const f = (x: number) => x.toFixed(3);
  console.log(`${figures.corpus} (${figures.passages} passages)`);
  console.log(
    `  hit@1 ${f(figures.hitAt1)}   hit@3 ${f(figures.hitAt3)}   MRR@5 ${f(figures.mrrAt5)}`,
  );
  console.log(
    `  abstains on unanswerable ${f(figures.abstainUnanswerable)}   on answerable ${f(figures.abstainAnswerable)}   boilerplate returned ${figures.boilerplateReturned}`,
  );
  console.log(`  hit@1 of the ranking alone, never abstaining ${f(figures.rankedHitAt1)}`);
  const byStyle = Object.entries(figures.hitAt1ByStyle).map(([style, hit]) => `${style} ${f(hit)}`);
  console.log(`  hit@1 by style: ${byStyle.join(', ')}`);
  if (verbose) console.log(figures.misses.join('\n'));
}

/**
 * The reference point: MiniSearch with default options over the same
 * non-boilerplate paragraphs (see {@link rawBaseline}).
 */
function rawEngine(articles: Article[]): MiniSearch<{ id: string; text: string }> {
  const engine = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
  engine.addAll(
    articles.flatMap((article) =>
      article.paragraphs
        .filter((p) => !p.boilerplate)
        .map((p) => ({ id: `${article.id}#${p.number}`, text: p.text })),
    ),
  );
  return engine;
}

/** Raw MiniSearch answering with its first result; it "abstains" only when nothing matches. */
function rawBaseline(engine: MiniSearch<{ id: string; text: string }>, set: QuestionSet) {
  let hit1 = 0;
  let hit3 = 0;
  for (const { q, paragraphs } of set.answerable) {
    const wanted = new Set(paragraphs.map((p) => `${set.article}#${p}`));
    const ids = engine
      .search(q)
      .slice(0, 3)
      .map((r) => String(r.id));
    if (wanted.has(ids[0] ?? '')) hit1++;
    if (ids.some((id) => wanted.has(id))) hit3++;
  }
  const empty = set.unanswerable.filter(({ q }) => engine.search(q).length === 0).length;
  return { hitAt1: hit1 / set.answerable.length, hitAt3: hit3 / set.answerable.length, empty };
}

async function main() {
  const args = process.argv.slice(2);
  const seeds = (await loadCorpus(process.env.SEEDS_DIR ?? 'seeds')).articles;
  const corpora = [
    { name: 'seed corpus', articles: seeds },
    { name: 'seed + State of the Union distractors', articles: [...seeds, ...loadSotuArticles()] },
  ].map((corpus) => ({
    name: corpus.name,
    index: buildIndex(corpus.articles),
    raw: rawEngine(corpus.articles),
  }));
  const results: EvalFigures[] = [];
  for (const [setName, file] of QUESTION_SETS) {
    const set = JSON.parse(
      readFileSync(new URL(`../test/eval/${file}`, import.meta.url), 'utf8'),
    ) as QuestionSet;
    for (const { name, index, raw: engine } of corpora) {
      const figures = evaluate(index, set, `${setName} set (${file}), ${name}`);
      results.push(figures);
      if (args.includes('--json')) continue;
      printFigures(figures, args.includes('--verbose'));
      const raw = rawBaseline(engine, set);
      console.log(
        `  raw MiniSearch, default options: hit@1 ${raw.hitAt1.toFixed(3)}   hit@3 ${raw.hitAt3.toFixed(3)}   returns nothing for ${raw.empty} of ${set.unanswerable.length} unanswerable`,
      );
    }
  }
  if (args.includes('--json')) {
    console.log(
      JSON.stringify(
        results.map(({ misses, ...figures }) => figures),
        null,
        2,
      ),
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
