import { readFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { answer, MAX_QUESTION_LENGTH } from '../../src/answer/answer.ts';
import { completeQuery } from '../../src/answer/autocomplete.ts';
import type { Article } from '../../src/corpus/types.ts';
import { buildIndex, type SearchIndex } from '../../src/search/build.ts';
import { corpusHash, loadSnapshot, saveSnapshot } from '../../src/search/snapshot.ts';
import {
  countPassages,
  keywordQueries,
  plainDocuments,
  seededRandom,
  shuffle,
  typedPrefixes,
} from './bench-corpus.ts';
import { type InsightsFigures, measureInsights } from './bench-insights.ts';

/** Keyword queries drawn from the corpus, besides the dev question set. */
const KEYWORD_QUERIES = 300;
/** Partly typed queries given to autocomplete. */
const TYPED_PREFIXES = 400;
/** Warm-up calls stop after this long. */
const WARM_UP_BUDGET_MS = 5_000;
/** Timed passes over the inputs: at least one, more while they take less than this in all. */
const TIMING_BUDGET_MS = 3_000;
const MAX_PASSES = 5;
/** A first timed pass longer than this is cut short. */
const FIRST_PASS_BUDGET_MS = 120_000;
/** The raw MiniSearch baseline: default options over the plain paragraph text. */
const RAW_OPTIONS = { fields: ['text'] };

/** Latency percentiles, in milliseconds. */
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  /**
   * The same percentiles in CPU time (the process's, GC threads included),
   * which other programs competing for the cores do not inflate.
   */
  cpu: { p50: number; p95: number; p99: number };
  /**
   * Wall-time percentiles of the passes after the first, when every input has
   * been seen at least once: what is left when no word is new (NaN with one pass).
   */
  repeated: { p50: number; p95: number; p99: number };
  samples: number;
}

/** What one system (raw MiniSearch or the bot) measured at one corpus size. */
export interface SystemFigures {
  buildMs: number;
  buildCpuMs: number;
  /** Heap used by the built index after a full GC, in bytes. */
  heapBytes: number;
  /** Heap used after all queries and autocomplete (caches, WordNet, completer), in bytes. */
  heapAfterQueriesBytes: number;
  /** Or why no snapshot could be made (e.g. a JSON string longer than V8 allows). */
  snapshot: { bytes: number; saveMs: number; loadMs: number; hashMs?: number } | { error: string };
  answer: Latency;
  /** Cost of the first autocomplete call, which builds what later calls use (bot only). */
  autocompleteFirstMs?: number;
  /**
   * Cost of answering a question of the longest length made of words no article or
   * dictionary knows, each new, as someone pasting noise would send (bot only).
   */
  unknownWordsMs?: number;
  /** What recording an answer for `/insights` adds to it (bot only). */
  insights?: InsightsFigures;
  autocomplete: Latency;
}

/** Everything measured at one corpus size. */
export interface SizeFigures {
  size: string;
  passages: number;
  articles: number;
  corpusChars: number;
  vocabulary: number;
  queries: number;
  prefixes: number;
  corpusMs: number;
  /** One-minute load average when measuring started and ended: above the core count, timings are inflated. */
  loadAverage: [number, number];
  raw: SystemFigures;
  bot: SystemFigures;
  totalMs: number;
}

interface QuestionSet {
  answerable: Array<{ q: string }>;
  unanswerable: Array<{ q: string }>;
}

/**
 * Measures raw MiniSearch and the bot side by side on one corpus: the same
 * paragraphs, the same queries, one after the other, each holding only its
 * own index while it is measured. Needs `node --expose-gc`.
 *
 * @example
 * const figures = await measureSize('10k', benchCorpus(seeds, speeches, 10_000), 0);
 * figures.bot.answer.p99 / figures.raw.answer.p99 // => the latency ratio
 */
export async function measureSize(
  size: string,
  articles: Article[],
  corpusMs: number,
): Promise<SizeFigures> {
  const started = performance.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const set = JSON.parse(
    readFileSync(new URL('../../test/eval/questions.json', import.meta.url), 'utf8'),
  ) as QuestionSet;
  const queries = shuffle(
    [
      ...set.answerable.map(({ q }) => q),
      ...set.unanswerable.map(({ q }) => q),
      ...keywordQueries(articles, KEYWORD_QUERIES),
    ],
    seededRandom(3),
  );
  const prefixes = typedPrefixes(queries, TYPED_PREFIXES);
  const passages = countPassages(articles);
  const snapshotPath = join(tmpdir(), `talkbot-bench-${process.pid}.snapshot`);

  progress(`${size}: raw MiniSearch`);
  const raw = await measureRaw(articles, queries, prefixes);
  progress(`${size}: bot`);
  const bot = await measureBot(articles, queries, prefixes, snapshotPath);
  await rm(snapshotPath, { force: true });
  return {
    size,
    passages,
    articles: articles.length,
    corpusChars: articles.reduce(
      (sum, article) => sum + article.paragraphs.reduce((s, p) => s + p.text.length, 0),
      0,
    ),
    vocabulary: bot.vocabulary,
    queries: queries.length,
    prefixes: prefixes.length,
    corpusMs,
    loadAverage: [loadAtStart, loadavg()[0] ?? 0],
    raw: raw.figures,
    bot: bot.figures,
    totalMs: performance.now() - started,
  };
}

async function measureRaw(
  articles: Article[],
  queries: string[],
  prefixes: string[],
): Promise<{ figures: SystemFigures }> {
  const documents = plainDocuments(articles);
  const before = settledHeap();
  const build = startClock();
  let engine: MiniSearch | null = new MiniSearch(RAW_OPTIONS);
  engine.addAll(documents);
  const { wallMs: buildMs, cpuMs: buildCpuMs } = build();
  const heapBytes = settledHeap() - before;

  const searcher = engine;
  const answerLatency = timeEach(queries, (query) => searcher.search(query));
  const autocomplete = timeEach(prefixes, (prefix) => searcher.autoSuggest(prefix));
  const heapAfterQueriesBytes = settledHeap() - before;

  let snapshot: SystemFigures['snapshot'];
  try {
    const save = performance.now();
    let json: string | null = JSON.stringify(engine);
    const saveMs = performance.now() - save;
    engine = null;
    settledHeap();
    const bytes = Buffer.byteLength(json);
    const load = performance.now();
    MiniSearch.loadJSON(json, RAW_OPTIONS);
    const loadMs = performance.now() - load;
    json = null;
    snapshot = { bytes, saveMs, loadMs };
  } catch (error) {
    snapshot = { error: (error as Error).message };
  }
  return {
    figures: {
      buildMs,
      buildCpuMs,
      heapBytes,
      heapAfterQueriesBytes,
      snapshot,
      answer: answerLatency,
      autocomplete,
    },
  };
}

async function measureBot(
  articles: Article[],
  queries: string[],
  prefixes: string[],
  snapshotPath: string,
): Promise<{ figures: SystemFigures; vocabulary: number }> {
  const before = settledHeap();
  const build = startClock();
  let index: SearchIndex | null = buildIndex(articles);
  const { wallMs: buildMs, cpuMs: buildCpuMs } = build();
  const heapBytes = settledHeap() - before;
  const vocabulary = index.vocabulary.size;

  const searched = index;
  const answerLatency = timeEach(queries, (query) => answer(searched, query));
  const noise = unknownWords(MAX_QUESTION_LENGTH, seededRandom(7));
  const noiseStart = performance.now();
  answer(searched, noise);
  const unknownWordsMs = performance.now() - noiseStart;
  const insights = measureInsights(queries.map((query) => answer(searched, query)));
  const first = performance.now();
  completeQuery(searched, prefixes[0] ?? '');
  const autocompleteFirstMs = performance.now() - first;
  const autocomplete = timeEach(prefixes, (prefix) => completeQuery(searched, prefix));
  const heapAfterQueriesBytes = settledHeap() - before;

  let snapshot: SystemFigures['snapshot'];
  try {
    const hashStart = performance.now();
    const hash = corpusHash(articles);
    const hashMs = performance.now() - hashStart;
    const save = performance.now();
    await saveSnapshot(snapshotPath, index, hash);
    const saveMs = performance.now() - save;
    // Loaded as at a restart: without the built index beside it.
    index = null;
    settledHeap();
    const { size: bytes } = await stat(snapshotPath);
    const load = performance.now();
    const loaded = await loadSnapshot(snapshotPath, hash);
    const loadMs = performance.now() - load;
    snapshot =
      loaded === null
        ? { error: 'the snapshot just saved did not load' }
        : { bytes, saveMs, loadMs, hashMs };
  } catch (error) {
    snapshot = { error: (error as Error).message };
  }
  return {
    figures: {
      buildMs,
      buildCpuMs,
      heapBytes,
      heapAfterQueriesBytes,
      snapshot,
      answer: answerLatency,
      autocompleteFirstMs,
      unknownWordsMs,
      insights,
      autocomplete,
    },
    vocabulary,
  };
}

/** Made-up words of eight letters, up to `length` characters in all. */
function unknownWords(length: number, random: () => number): string {
  const word = () =>
    Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
  return Array.from({ length: Math.floor(length / 9) }, word).join(' ');
}

/**
 * Warms up on every fourth input (for at most {@link WARM_UP_BUDGET_MS}),
 * then times each call over passes through all inputs: more passes while
 * the time spent is within {@link TIMING_BUDGET_MS}, and the first pass cut
 * short past {@link FIRST_PASS_BUDGET_MS} (only at the largest sizes, where
 * a raw MiniSearch query takes seconds; inputs are in a shuffled order, so a
 * cut pass still mixes questions and keywords). GC pauses that fall inside a
 * call count, as they would for a user.
 */
function timeEach(inputs: string[], run: (input: string) => unknown): Latency {
  const warmUp = performance.now();
  for (let i = 0; i < inputs.length; i += 4) {
    if (performance.now() - warmUp > WARM_UP_BUDGET_MS) break;
    run(inputs[i] ?? '');
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  const repeated: number[] = [];
  const started = performance.now();
  timing: for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (pass > 0 && performance.now() - started > TIMING_BUDGET_MS) break;
    for (const input of inputs) {
      if (performance.now() - started > FIRST_PASS_BUDGET_MS) break timing;
      const clock = startClock();
      run(input);
      const { wallMs, cpuMs } = clock();
      wall.push(wallMs);
      cpu.push(cpuMs);
      if (pass > 0) repeated.push(wallMs);
    }
  }
  return {
    ...percentiles(wall.sort((a, b) => a - b)),
    cpu: percentiles(cpu.sort((a, b) => a - b)),
    repeated: percentiles(repeated.sort((a, b) => a - b)),
    samples: wall.length,
  };
}

/** A stopwatch of wall time and of the process's CPU time (user + system). */
function startClock(): () => { wallMs: number; cpuMs: number } {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpuStart);
    return { wallMs: performance.now() - wallStart, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
}

function percentiles(sorted: number[]): { p50: number; p95: number; p99: number } {
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
  };
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

/** Heap in use after full collections; needs `--expose-gc`. */
function settledHeap(): number {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does) to measure the heap');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}
