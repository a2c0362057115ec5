/**
 * Fits the ranking's weights and the refusal threshold on the dev question
 * sets, and writes them to `src/search/weights.json`, which the ranker reads.
 *
 *   npm run fit              # fit, validate, write the file
 *   npm run fit -- --dry-run # fit and validate only
 *
 * The dev sets are the State of the Union sets in `test/eval/sotu/` (one
 * article each) and the seed's read sets (one article: the seed). The sets
 * kept unread (unseen-d/e/f, and the held-out addresses, whose sets are not in
 * the repo) are never used.
 *
 * 1. Refusal, for any ranking weights: `threshold`, the highest confidence bar
 *    that refuses at most {@link MAX_ANSWERABLE_REFUSED} of the answerable
 *    questions, and the rules `typeRefusal` and `articleRefusal`, each kept on
 *    only where it gains.
 * 2. Ranking weights: coordinate ascent over a grid per weight, maximising the
 *    mean over articles of hit@1 + ½ hit@3 with that refusal, plus ½ the share
 *    of unanswerable questions refused.
 * 3. Validation, leave one article out: every weight configuration the ascent
 *    tried is chosen again on the other articles alone, with its threshold,
 *    and scored on the article left out. The figures go into the file.
 * 4. The trade-off of the threshold, printed for the fitted weights: for the
 *    other articles together and for the seed, what share of unanswerable
 *    questions is refused at each share of answerable ones refused. The rules
 *    refuse some answerable questions whatever the threshold; the rest is the
 *    threshold's room.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  confidence,
  lacksExpectedKind,
  namedElsewhere,
  refuseBeforeRanking,
} from '../src/answer/answer.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { analyzeQuestion } from '../src/search/question.ts';
import { rankPassages } from '../src/search/rank.ts';
import { WEIGHTS, type Weights } from '../src/search/weights.ts';
import { QUESTION_SETS } from '../test/eval/sets.ts';

interface QuestionSet {
  article: string;
  answerable: Array<{ q: string; paragraphs: number[] }>;
  unanswerable: Array<{ q: string }>;
}

/** Sets never used for fitting: kept unread. */
const UNREAD = /unseen-[def]\.json$|sotu-1957\.json$|sotu-1994\.json$/;
/** Share of answerable questions the threshold may refuse, on the training articles. */
const MAX_ANSWERABLE_REFUSED = 0.04;

/** Values tried for each ranking weight. */
const GRID: Readonly<Partial<Record<keyof Weights, number[]>>> = {
  metaBoost: [0.25, 0.5, 0.75, 1],
  metaCoverage: [0.5, 0.75, 1],
  synonym: [0, 0.25, 0.5, 0.75],
  related: [0, 0.25, 0.5],
  fuzzy: [0.25, 0.5, 0.75, 1],
  initialism: [0.5, 0.75, 1],
  unknown: [0, 0.1, 0.25, 0.5, 1],
  unknownName: [0.5, 1, 1.5, 2],
  coverage: [0.3, 0.4, 0.5, 0.6, 0.7],
  type: [0, 0.05, 0.1, 0.2],
  sentence: [0, 0.1, 0.2, 0.4],
  neighbour: [0, 0.05, 0.1, 0.2],
};

const here = import.meta.dirname;
const evalDir = join(here, '..', 'test', 'eval');

/** What one question came to under one configuration. */
interface Outcome {
  answerable: boolean;
  /** Rank of the first wanted passage (0 = first), or -1. */
  rank: number;
  /** Refused before ranking (a name in no article, no words). */
  refusedEarly: boolean;
  confidence: number;
  lacksType: boolean;
  /** The best passage's article is none of those the question names by their metadata. */
  otherArticle: boolean;
}

interface Article {
  name: string;
  index: SearchIndex;
  questions: Array<{ q: string; wanted: Set<string> | null }>;
}

function outcomes(articles: Article[], weights: Weights): Outcome[][] {
  return articles.map(({ index, questions }) =>
    questions.map(({ q, wanted }) => {
      const question = analyzeQuestion(index, q, weights);
      const early = refuseBeforeRanking(question) !== null;
      const ranked = early ? [] : rankPassages(index, question, { weights });
      const ids = ranked
        .slice(0, 3)
        .map(({ passage }) => `${passage.article.id}#${passage.paragraph}`);
      const best = ranked[0];
      return {
        answerable: wanted !== null,
        rank: wanted ? ids.findIndex((id) => wanted.has(id)) : -1,
        refusedEarly: early || !best,
        confidence: best ? confidence(best) : 0,
        lacksType: lacksExpectedKind(question, ranked),
        otherArticle: best ? namedElsewhere(question, best).length > 0 : false,
      };
    }),
  );
}

/** Which refusal rules are on besides the threshold. */
interface Rules {
  typeRefusal: boolean;
  articleRefusal: boolean;
}

/** The refusal: the confidence threshold and the rules kept on. */
interface Refusal extends Rules {
  threshold: number;
}

/**
 * What the fit maximises, with the refusal fitted on the same outcomes: the
 * mean over articles of hit@1 + ½ hit@3 (a refused answerable question is a
 * miss), plus ½ the share of unanswerable questions refused.
 */
function rankingObjective(all: Outcome[][]): number {
  const refusal = fitRefusal(all.flat());
  let sum = 0;
  for (const article of all) {
    const f = figures(article, refusal);
    sum += f.hitAt1 + 0.5 * f.hitAt3;
  }
  const refused = figures(all.flat(), refusal).abstainUnanswerable;
  return sum / Math.max(1, all.length) + 0.5 * refused;
}

function refuses(o: Outcome, refusal: Refusal): boolean {
  return (
    o.refusedEarly ||
    (refusal.articleRefusal && o.otherArticle) ||
    o.confidence < refusal.threshold ||
    (refusal.typeRefusal && o.lacksType)
  );
}

/** The highest threshold that refuses at most the allowed share of answerable questions. */
function fitThreshold(all: Outcome[], rules: Rules, share = MAX_ANSWERABLE_REFUSED): number {
  const answerable = all.filter((o) => o.answerable);
  const allowed = Math.floor(answerable.length * share);
  const alreadyRefused = answerable.filter((o) => refuses(o, { ...rules, threshold: 0 })).length;
  const confidences = answerable
    .filter((o) => !refuses(o, { ...rules, threshold: 0 }))
    .map((o) => o.confidence)
    .sort((a, b) => a - b);
  const room = allowed - alreadyRefused;
  if (room <= 0) return 0;
  // Refusing the `room` least confident: the bar sits just above the last of them.
  const below = confidences[room - 1] ?? 0;
  const above = confidences[room] ?? below;
  return (below + above) / 2;
}

interface Figures {
  hitAt1: number;
  hitAt3: number;
  abstainAnswerable: number;
  abstainUnanswerable: number;
}

function figures(all: Outcome[], refusal: Refusal): Figures {
  const answerable = all.filter((o) => o.answerable);
  const unanswerable = all.filter((o) => !o.answerable);
  const answered = (o: Outcome) => !refuses(o, refusal);
  const share = (n: number, of: number) => Math.round((n / Math.max(1, of)) * 1000) / 1000;
  return {
    hitAt1: share(answerable.filter((o) => answered(o) && o.rank === 0).length, answerable.length),
    hitAt3: share(answerable.filter((o) => answered(o) && o.rank >= 0).length, answerable.length),
    abstainAnswerable: share(answerable.filter((o) => !answered(o)).length, answerable.length),
    abstainUnanswerable: share(
      unanswerable.filter((o) => !answered(o)).length,
      unanswerable.length,
    ),
  };
}

/** Refusal settings fitted on some outcomes: the threshold, and which rules gain. */
function fitRefusal(train: Outcome[]): Refusal {
  const candidates = [false, true].flatMap((typeRefusal) =>
    [false, true].map((articleRefusal) => {
      const rules = { typeRefusal, articleRefusal };
      return { ...rules, threshold: fitThreshold(train, rules) };
    }),
  );
  const gain = (refusal: Refusal) => {
    const f = figures(train, refusal);
    return f.abstainUnanswerable + f.hitAt1;
  };
  // The first of equal gains: a rule stays off unless it gains.
  return candidates.reduce((a, b) => (gain(b) > gain(a) ? b : a));
}

/** Shares of answerable questions refused at which {@link tradeOff} reads the curve. */
const CURVE_POINTS = [0.03, 0.04, 0.05, 0.06, 0.08, 0.1];

/**
 * The threshold's trade-off on some outcomes, with the rules as fitted: for
 * each share of answerable questions it may refuse in all, the highest
 * threshold that keeps within it and what it then refuses. A line per share,
 * then the fitted threshold's own line.
 */
function tradeOff(outcomes: Outcome[], refusal: Refusal): string[] {
  const answerable = outcomes.filter((o) => o.answerable);
  const line = (label: string, threshold: number) => {
    const f = figures(outcomes, { ...refusal, threshold });
    const percent = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
    return `    ${label.padEnd(10)} threshold ${threshold.toFixed(4)}: abstains answerable ${percent(f.abstainAnswerable)}, unanswerable ${percent(f.abstainUnanswerable)}, hit@1 ${f.hitAt1.toFixed(3)}`;
  };
  const lines = CURVE_POINTS.map((share) => {
    const threshold = fitThreshold(answerable, refusal, share);
    return line(`≤ ${Math.round(share * 100)}%`, threshold);
  });
  return [...lines, line('fitted', refusal.threshold)];
}

async function loadArticles(): Promise<Article[]> {
  const seeds = (await loadCorpus(join(here, '..', 'seeds'))).articles;
  const addresses = (await loadCorpus(join(evalDir, 'articles'))).articles;
  const multi = buildIndex([...seeds, ...addresses]);
  const seedIndex = buildIndex(seeds);
  const toQuestions = (set: QuestionSet) => [
    ...set.answerable.map(({ q, paragraphs }) => ({
      q,
      wanted: new Set(paragraphs.map((p) => `${set.article}#${p}`)),
    })),
    ...set.unanswerable.map(({ q }) => ({ q, wanted: null })),
  ];
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as QuestionSet;
  const sotuDir = join(evalDir, 'sotu');
  const articles: Article[] = readdirSync(sotuDir)
    .filter((name) => name.endsWith('.json') && !UNREAD.test(name))
    .sort()
    .map((name) => ({
      name: name.replace(/\.json$/, ''),
      index: multi,
      questions: toQuestions(read(join(sotuDir, name))),
    }));
  const seedQuestions = QUESTION_SETS.map(([, file]) => join(evalDir, file))
    .filter((file) => !UNREAD.test(file))
    .flatMap((file) => toQuestions(read(file)));
  articles.push({ name: 'seed', index: seedIndex, questions: seedQuestions });
  return articles;
}

async function main() {
  const dryRun = process.argv.includes('--dry-run');
  const articles = await loadArticles();
  let weights: Weights = { ...WEIGHTS };
  const tried: Array<{ weights: Weights; outcomes: Outcome[][] }> = [];
  let bestOutcomes = outcomes(articles, weights);
  tried.push({ weights, outcomes: bestOutcomes });
  let best = rankingObjective(bestOutcomes);
  console.log(`start: ${best.toFixed(4)}`);
  for (let pass = 0; pass < 2; pass++) {
    let improved = false;
    for (const [key, values] of Object.entries(GRID) as Array<[keyof Weights, number[]]>) {
      for (const value of values) {
        if (weights[key] === value) continue;
        const candidate = { ...weights, [key]: value };
        if (key === 'coverage') candidate.bm25 = Math.round((1 - value) * 100) / 100;
        const result = outcomes(articles, candidate);
        tried.push({ weights: candidate, outcomes: result });
        const objective = rankingObjective(result);
        if (objective > best + 1e-9) {
          best = objective;
          weights = candidate;
          bestOutcomes = result;
          improved = true;
          console.log(`  ${key} = ${value}: ${objective.toFixed(4)}`);
        }
      }
    }
    if (!improved) break;
  }
  const refusal = fitRefusal(bestOutcomes.flat());
  weights = {
    ...weights,
    threshold: refusal.threshold,
    typeRefusal: refusal.typeRefusal ? 1 : 0,
    articleRefusal: refusal.articleRefusal ? 1 : 0,
  };

  // Leave one article out: choose among the configurations tried on the others, score the one left out.
  const validation: Record<string, Figures> = {};
  const heldOutOutcomes: Outcome[] = [];
  articles.forEach((article, out) => {
    const others = (o: Outcome[][]) => o.filter((_, i) => i !== out);
    const chosen = tried.reduce((a, b) =>
      rankingObjective(others(b.outcomes)) > rankingObjective(others(a.outcomes)) ? b : a,
    );
    const fold = fitRefusal(others(chosen.outcomes).flat());
    const left = chosen.outcomes[out] ?? [];
    validation[article.name] = figures(left, fold);
    heldOutOutcomes.push(
      ...left.map((o) => ({
        ...o,
        confidence: o.confidence - fold.threshold,
        refusedEarly: refuses(o, { ...fold, threshold: 0 }),
      })),
    );
  });
  const pooled = figures(heldOutOutcomes, {
    threshold: 0,
    typeRefusal: false,
    articleRefusal: false,
  });
  const fitted = figures(bestOutcomes.flat(), refusal);
  console.log('fitted on all dev articles:', fitted);
  console.log('leave one article out, pooled:', pooled);
  for (const [name, f] of Object.entries(validation)) console.log(`  ${name}:`, f);
  const seedAt = articles.findIndex((article) => article.name === 'seed');
  const groups: Array<[string, Outcome[]]> = [
    ['other articles', bestOutcomes.filter((_, i) => i !== seedAt).flat()],
    ['seed', bestOutcomes[seedAt] ?? []],
  ];
  console.log("the threshold's trade-off, fitted weights and rules:");
  for (const [name, group] of groups)
    console.log(`  ${name}:\n${tradeOff(group, refusal).join('\n')}`);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const file = {
    note: 'Written by `npm run fit` (scripts/fit.ts); see src/search/weights.ts for what each weight means.',
    ...Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, round(v)])),
    validation: {
      method:
        'leave one article out over the dev sets: weights and threshold chosen on the other articles, scored on the one left out',
      pooled,
      byArticle: validation,
    },
  };
  if (!dryRun) {
    writeFileSync(
      join(here, '..', 'src', 'search', 'weights.json'),
      `${JSON.stringify(file, null, 2)}\n`,
    );
    console.log('wrote src/search/weights.json');
  }
}

await main();
