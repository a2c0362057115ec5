/**
 * Load test of the real bot against the fake Discord, all on 127.0.0.1.
 *
 * The fake runs in this process; the bot (real commands, router, discord.js
 * client, Library on `seeds/`) runs in a child process started with
 * `--expose-gc`, so its heap is measured apart from the fake's records.
 *
 * 1. Bursts: 2000 `/ask` in bursts of 200 (questions from
 *    `test/eval/questions.json`); every one answered exactly once; latency
 *    from dispatch to the callback's arrival, p50/p99.
 * 2. In flight: 200 interactions kept in flight (a new one sent as each is
 *    answered); p50/p99 of dispatch→callback, of `library.answer` inside the
 *    bot (the round trip to an answer worker, its queue included), and of the
 *    bot's event-loop delay. (Dispatch→callback cannot be 20 ms: the answer
 *    workers answer 200 in turn, so each waits for the others, about
 *    200 / throughput; `npm run bench` times `answer()` itself.)
 * 3. Soak: 20,000 `/ask` in bursts of 200, the bot's heapUsed after a forced
 *    GC sampled every 1000; growth after the warm-up (the first quarter), the
 *    mean of the last three samples against the first three after it, must be
 *    ≤ 10%.
 *
 *   npm run load                        # the full run (about a minute)
 *   npm run load -- --quick             # a small run (seconds)
 *   npm run load -- --pools 1,2         # bursts of 200 only, once per answer-pool size
 *   npm run load -- --during-refresh    # members ask while a moderator refreshes 60k paragraphs
 *
 * The bot runs as `npm start` does: its index in worker threads
 * (`--pool N` answer workers; default the number of cores).
 *
 * Exits 1 when an interaction is not answered exactly once, a target is
 * missed, or the run outlasts its time limit.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { commands } from '../commands/index.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { startBot } from '../src/discord/client.ts';
import { Library } from '../src/library/library.ts';
import { createLogger } from '../src/log.ts';
import { WorkerEngine } from '../src/workers/worker-engine.ts';
import {
  CallbackType,
  FakeDiscord,
  type InteractionHandle,
  type Json,
} from '../test/e2e/fake-discord.ts';
import { benchCorpus } from './lib/bench-corpus.ts';
import { writeArticleFiles } from './lib/bench-workers.ts';
import { loadSotuArticles } from './lib/sotu.ts';

/** The sizes of one run. */
interface Plan {
  burstTotal: number;
  burstSize: number;
  inFlight: number;
  inFlightTotal: number;
  soakTotal: number;
  sampleEvery: number;
  /** Interactions of the soak before the heap baseline is taken. */
  warmUp: number;
  timeLimitMs: number;
}

const FULL: Plan = {
  burstTotal: 2000,
  burstSize: 200,
  inFlight: 200,
  inFlightTotal: 4000,
  soakTotal: 20_000,
  sampleEvery: 1000,
  warmUp: 5000,
  timeLimitMs: 10 * 60_000,
};
const QUICK: Plan = {
  burstTotal: 400,
  burstSize: 100,
  inFlight: 200,
  inFlightTotal: 1000,
  soakTotal: 2000,
  sampleEvery: 250,
  warmUp: 500,
  timeLimitMs: 2 * 60_000,
};
const TARGETS = { heapGrowth: 0.1, callbackMs: 3000, answerMs: 10_000 };
/** The corpus and pace of `--during-refresh` (issue 14): 60k paragraphs, an /ask every 400 ms, an autocomplete every 800 ms. */
const DURING_REFRESH = { passages: 60_000, askEveryMs: 400, completeEveryMs: 800 };
/** Discord's MANAGE_GUILD with ordinary member permissions, for the moderator who refreshes. */
const MODERATOR_PERMISSIONS = (1n << 10n) | (1n << 11n) | (1n << 31n) | (1n << 5n);
/** Users the interactions come from, in turn; with the raised limit below none is ever refused. */
const USER_POOL = 1000;
const BOT_RATE_LIMIT = { count: 100_000, windowMs: 10_000 };
/** How long a burst may take to be fully answered before the run fails. */
const BURST_TIMEOUT_MS = 30_000;

/** Messages between the driver and the bot process. */
type ToBot = { type: 'sample' } | { type: 'timings' } | { type: 'stop' };
type FromBot =
  | { type: 'ready' }
  | { type: 'sample'; heapUsed: number; rss: number }
  | { type: 'timings'; answerMs: number[]; loopDelayP99Ms: number; warnings: number }
  | { type: 'failed'; message: string };

// ---------------------------------------------------------------------------
// The bot process
// ---------------------------------------------------------------------------

/** Runs the bot against the fake at FAKE_REST, answering the driver's requests over IPC. */
async function runBotProcess(): Promise<void> {
  const send = (message: FromBot) => process.send?.(message);
  const gc = globalThis.gc;
  if (!gc) throw new Error('the bot process needs --expose-gc');
  const engine = new WorkerEngine({
    answerWorkers: Number(process.env.LOAD_ANSWER_WORKERS) || availableParallelism(),
  });
  const library = await Library.open({
    seedsDir: process.env.LOAD_SEEDS_DIR || 'seeds',
    engine,
  });
  await library.answer('warm up');
  let answerMs: number[] = [];
  const answer = library.answer.bind(library);
  library.answer = async (question, options) => {
    const started = performance.now();
    try {
      return await answer(question, options);
    } finally {
      answerMs.push(performance.now() - started);
    }
  };
  let warnings = 0;
  // Production logs one info line per interaction; count them as written, keep none.
  const sink = new Writable({
    write(chunk, _encoding, done) {
      if (/"level":[4-6]0/.test(String(chunk))) warnings += 1;
      done();
    },
  });
  const token = process.env.FAKE_TOKEN ?? '';
  const bot = await startBot({
    token,
    restApi: process.env.FAKE_REST ?? null,
    library,
    logger: createLogger({ level: 'info', secrets: [token], destination: sink }),
    commands,
    rateLimit: BOT_RATE_LIMIT,
  });
  await bot.ready;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  process.on('message', async (message: ToBot) => {
    if (message.type === 'sample') {
      gc();
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      send({ type: 'sample', heapUsed, rss });
    } else if (message.type === 'timings') {
      send({
        type: 'timings',
        answerMs,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        warnings,
      });
      answerMs = [];
      loop.reset();
      loop.enable();
    } else {
      loop.disable();
      await bot.stop();
      await library.close();
      process.exit(0);
    }
  });
  send({ type: 'ready' });
}

// ---------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------

/** A bot process and a way to ask it things. */
interface BotProcess {
  child: ChildProcess;
  request<T extends FromBot['type']>(
    message: ToBot,
    reply: T,
  ): Promise<Extract<FromBot, { type: T }>>;
  /** Stops the bot and waits for its process to end. */
  stop(): Promise<void>;
}

function startBotProcess(
  fake: FakeDiscord,
  options: { answerWorkers: number; seedsDir?: string },
): Promise<BotProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--bot-process'], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: {
      ...process.env,
      FAKE_REST: fake.restBase,
      FAKE_TOKEN: fake.token,
      LOAD_ANSWER_WORKERS: String(options.answerWorkers),
      LOAD_SEEDS_DIR: options.seedsDir ?? '',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromBot['type']>(reply: T) =>
    new Promise<Extract<FromBot, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromBot) => {
        if (message.type === 'failed') reject(new Error(`bot process: ${message.message}`));
        if (message.type !== reply) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<FromBot, { type: T }>);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`bot process exited with ${code} while waiting for "${reply}"`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return next('ready').then(() => ({
    child,
    request: (message, reply) => {
      const answer = next(reply);
      child.send(message);
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ToBot);
      await exited;
    },
  }));
}

interface QuestionSet {
  answerable: Array<{ q: string }>;
  unanswerable: Array<{ q: string }>;
}

/** The dev questions, answerable and not, interleaved. */
function loadQuestions(): string[] {
  const set = JSON.parse(readFileSync('test/eval/questions.json', 'utf8')) as QuestionSet;
  return [...set.answerable, ...set.unanswerable].map((entry) => entry.q);
}

/** Sends `/ask` interactions in turn through the questions and the user pool. */
class Asker {
  #sent = 0;
  constructor(
    private readonly fake: FakeDiscord,
    private readonly questions: string[],
  ) {}

  ask(): InteractionHandle {
    const n = this.#sent++;
    const question = this.questions[n % this.questions.length] ?? 'Who led the delegation?';
    const user = { id: String(300_000_000_000_000_000n + BigInt(n % USER_POOL)) };
    return this.fake.sendSlashCommand({ name: 'ask', options: { question }, user });
  }
}

/** Milliseconds from dispatch to the accepted callback, or null while there is none. */
function callbackLatency(fake: FakeDiscord, handle: InteractionHandle): number | null {
  const [callback] = fake.callbacksFor(handle);
  if (!callback) return null;
  const type = Number((callback.body as Json | undefined)?.type);
  if (type === CallbackType.DeferredChannelMessageWithSource) {
    // A deferred answer is visible with its first edit.
    const edit = fake.webhooksFor(handle).find((r) => r.method === 'PATCH' || r.method === 'POST');
    return edit ? edit.at - handle.createdAt : null;
  }
  return callback.at - handle.createdAt;
}

/** Sends `size` interactions at once and waits for every answer; returns their latencies. */
async function burst(fake: FakeDiscord, asker: Asker, size: number): Promise<number[]> {
  const handles = Array.from({ length: size }, () => asker.ask());
  return fake.waitFor(
    () => {
      const latencies: number[] = [];
      for (const handle of handles) {
        const latency = callbackLatency(fake, handle);
        if (latency === null) return undefined;
        latencies.push(latency);
      }
      return latencies;
    },
    { timeoutMs: BURST_TIMEOUT_MS, description: `a burst of ${size} answered` },
  );
}

/** Keeps `inFlight` interactions outstanding until `total` are answered; returns their latencies. */
async function keepInFlight(
  fake: FakeDiscord,
  asker: Asker,
  inFlight: number,
  total: number,
): Promise<number[]> {
  const latencies: number[] = [];
  let outstanding = Array.from({ length: inFlight }, () => asker.ask());
  let sent = inFlight;
  while (outstanding.length > 0) {
    const answered = await fake.waitFor(
      () => {
        const done = outstanding.filter((handle) => callbackLatency(fake, handle) !== null);
        return done.length > 0 ? done : undefined;
      },
      { timeoutMs: BURST_TIMEOUT_MS, description: 'an answer while in flight' },
    );
    const done = new Set(answered);
    for (const handle of answered) latencies.push(callbackLatency(fake, handle) ?? Number.NaN);
    outstanding = outstanding.filter((handle) => !done.has(handle));
    while (outstanding.length < inFlight && sent < total) {
      outstanding.push(asker.ask());
      sent += 1;
    }
  }
  return latencies;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, rank)] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Prints rows as an aligned table. */
function table(rows: string[][]): void {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
}

async function runDriver(plan: Plan, answerWorkers: number): Promise<boolean> {
  const checks: Array<[string, boolean, string]> = [];
  const fake = await FakeDiscord.start();
  const bot = await startBotProcess(fake, { answerWorkers });
  console.log(`The bot answers with ${answerWorkers} answer worker(s).`);
  const deadline = setTimeout(() => {
    console.error(`Load run exceeded its ${plan.timeLimitMs / 1000} s limit; stopping.`);
    bot.child.kill('SIGKILL');
    process.exit(1);
  }, plan.timeLimitMs);
  try {
    const asker = new Asker(fake, loadQuestions());
    const rows = [['phase', 'interactions', 'p50', 'p99', 'max', 'throughput']];
    const addRow = (phase: string, latencies: number[], seconds: number) =>
      rows.push([
        phase,
        String(latencies.length),
        ms(percentile(latencies, 50)),
        ms(percentile(latencies, 99)),
        ms(Math.max(...latencies)),
        `${Math.round(latencies.length / seconds)}/s`,
      ]);

    // 1. Bursts
    let started = performance.now();
    const burstLatencies: number[] = [];
    for (let sent = 0; sent < plan.burstTotal; sent += plan.burstSize) {
      burstLatencies.push(...(await burst(fake, asker, plan.burstSize)));
    }
    addRow(`bursts of ${plan.burstSize}`, burstLatencies, (performance.now() - started) / 1000);

    // 2. In flight
    await bot.request({ type: 'timings' }, 'timings');
    started = performance.now();
    const flightLatencies = await keepInFlight(fake, asker, plan.inFlight, plan.inFlightTotal);
    addRow(`${plan.inFlight} in flight`, flightLatencies, (performance.now() - started) / 1000);
    const timings = await bot.request({ type: 'timings' }, 'timings');

    // 3. Soak
    started = performance.now();
    const soakLatencies: number[] = [];
    const samples: Array<{ after: number; heapUsed: number; rss: number }> = [];
    const first = await bot.request({ type: 'sample' }, 'sample');
    samples.push({ after: 0, heapUsed: first.heapUsed, rss: first.rss });
    for (let sent = 0; sent < plan.soakTotal; ) {
      soakLatencies.push(...(await burst(fake, asker, plan.burstSize)));
      sent += plan.burstSize;
      if (sent % plan.sampleEvery === 0) {
        const sample = await bot.request({ type: 'sample' }, 'sample');
        samples.push({ after: sent, heapUsed: sample.heapUsed, rss: sample.rss });
      }
    }
    addRow('soak', soakLatencies, (performance.now() - started) / 1000);

    // Exactly once, over everything; a late second reply would show within this pause.
    await delay(500);
    const notOnce = fake.interactionsNotAnsweredOnce();
    const total = fake.callbackCounts().size;
    const endTimings = await bot.request({ type: 'timings' }, 'timings');

    console.log('\nLatency, dispatch → callback (the answer as the user sees it)\n');
    table(rows);
    console.log('\nInside the bot while', plan.inFlight, 'were in flight\n');
    table([
      ['measure', 'p50', 'p99'],
      [
        'library.answer() (round trip to a worker)',
        ms(percentile(timings.answerMs, 50)),
        ms(percentile(timings.answerMs, 99)),
      ],
      ['event-loop delay', '', ms(timings.loopDelayP99Ms)],
    ]);

    console.log('\nBot heap after forced GC, during the soak\n');
    table([
      ['after', 'heapUsed', 'rss'],
      ...samples.map((s) => [String(s.after), mib(s.heapUsed), mib(s.rss)]),
    ]);
    // Means of three samples, so one sample's GC noise does not decide the check.
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const settled = samples.filter((s) => s.after >= plan.warmUp).map((s) => s.heapUsed);
    const baseline = mean(settled.slice(0, 3));
    const final = mean(settled.slice(-3));
    const growth = final / baseline - 1;

    checks.push(
      [
        'every interaction answered exactly once',
        notOnce.length === 0,
        `${total - notOnce.length} of ${total}`,
      ],
      [
        `heap growth after warm-up (${plan.warmUp}) ≤ ${TARGETS.heapGrowth * 100}%`,
        growth <= TARGETS.heapGrowth,
        `${(growth * 100).toFixed(1)}% (${mib(baseline)} → ${mib(final)})`,
      ],
      [
        'no warning or error logged by the bot',
        endTimings.warnings === 0,
        `${endTimings.warnings} line(s)`,
      ],
    );
    console.log('\nChecks\n');
    table(checks.map(([what, ok, value]) => [ok ? 'PASS' : 'FAIL', what, value]));
    return checks.every(([, ok]) => ok);
  } finally {
    clearTimeout(deadline);
    await bot.stop();
    await fake.close();
  }
}

/**
 * Bursts of 200 `/ask`, once per answer-pool size, each on a bot of its own:
 * dispatch→callback p50/p99 for each.
 */
async function runPools(plan: Plan, pools: number[]): Promise<boolean> {
  const rows = [['answer workers', 'interactions', 'p50', 'p99', 'max']];
  let answeredOnce = true;
  for (const answerWorkers of pools) {
    const fake = await FakeDiscord.start();
    const bot = await startBotProcess(fake, { answerWorkers });
    try {
      const asker = new Asker(fake, loadQuestions());
      const latencies: number[] = [];
      for (let sent = 0; sent < plan.burstTotal; sent += plan.burstSize) {
        latencies.push(...(await burst(fake, asker, plan.burstSize)));
      }
      await delay(500);
      answeredOnce &&= fake.interactionsNotAnsweredOnce().length === 0;
      rows.push([
        String(answerWorkers),
        String(latencies.length),
        ms(percentile(latencies, 50)),
        ms(percentile(latencies, 99)),
        ms(Math.max(...latencies)),
      ]);
    } finally {
      await bot.stop();
      await fake.close();
    }
  }
  console.log(`\nBursts of ${plan.burstSize} /ask, dispatch → callback\n`);
  table(rows);
  console.log(`\nEvery interaction answered exactly once: ${answeredOnce ? 'PASS' : 'FAIL'}`);
  return answeredOnce;
}

/**
 * A moderator refreshes a corpus of 60k paragraphs while members ask every
 * 400 ms and autocomplete every 800 ms, each a different member, until the
 * refresh has replied: the worst time to a callback, and to an answer.
 */
async function runDuringRefresh(answerWorkers: number): Promise<boolean> {
  const seedsDir = await mkdtemp(join(tmpdir(), 'talkbot-load-refresh-'));
  const seeds = (await loadCorpus('seeds')).articles;
  await writeArticleFiles(
    seedsDir,
    benchCorpus(seeds, loadSotuArticles(), DURING_REFRESH.passages),
  );
  console.log(`Corpus of ${DURING_REFRESH.passages} paragraphs written; the bot loads it.`);
  const fake = await FakeDiscord.start();
  const bot = await startBotProcess(fake, { answerWorkers, seedsDir });
  try {
    const asker = new Asker(fake, loadQuestions());
    const refresh = fake.sendSlashCommand({
      name: 'refresh',
      user: { id: '400000000000000001' },
      permissions: MODERATOR_PERMISSIONS,
    });
    const started = performance.now();
    const asks: InteractionHandle[] = [];
    const completions: InteractionHandle[] = [];
    let member = 0;
    const typed = ['Who led', 'What did the', 'How many', 'When was', 'Where did'];
    const askTimer = setInterval(() => asks.push(asker.ask()), DURING_REFRESH.askEveryMs);
    const completeTimer = setInterval(() => {
      member += 1;
      completions.push(
        fake.sendAutocomplete({
          name: 'ask',
          options: { question: typed[member % typed.length] ?? 'Who' },
          focused: 'question',
          user: { id: String(500_000_000_000_000_000n + BigInt(member)) },
        }),
      );
    }, DURING_REFRESH.completeEveryMs);
    await fake.waitForResponse(refresh, { timeoutMs: 10 * 60_000 });
    const refreshMs = performance.now() - started;
    clearInterval(askTimer);
    clearInterval(completeTimer);
    const all = [...asks, ...completions];
    // Every member's answer, or what is still missing once the others have waited long enough.
    await fake
      .waitFor(() => all.every((handle) => callbackLatency(fake, handle) !== null) || undefined, {
        timeoutMs: BURST_TIMEOUT_MS,
        description: 'every member answered',
      })
      .catch(() => {});
    const answers = all.map((handle) => callbackLatency(fake, handle) ?? Number.POSITIVE_INFINITY);
    const callbacks = all.map((handle) => {
      const [callback] = fake.callbacksFor(handle);
      return callback ? callback.at - handle.createdAt : Number.POSITIVE_INFINITY;
    });
    const notOnce = fake.interactionsNotAnsweredOnce();
    const worstCallback = Math.max(...callbacks);
    const worstAnswer = Math.max(...answers);
    const late = callbacks.filter((latency) => latency > TARGETS.callbackMs).length;
    console.log('\nDuring a refresh of', DURING_REFRESH.passages, 'paragraphs\n');
    table([
      ['measure', 'value'],
      ['refresh, /refresh to its reply', ms(refreshMs)],
      ['/ask sent', String(asks.length)],
      ['autocomplete sent', String(completions.length)],
      ['worst dispatch → callback', ms(worstCallback)],
      ['dispatch → callback p99', ms(percentile(callbacks, 99))],
      ['worst dispatch → answer shown', ms(worstAnswer)],
      [`callbacks later than ${TARGETS.callbackMs / 1000} s, or none`, String(late)],
    ]);
    const checks: Array<[string, boolean, string]> = [
      [
        'every interaction answered exactly once',
        notOnce.length === 0,
        `${fake.callbackCounts().size - notOnce.length} of ${fake.callbackCounts().size}`,
      ],
      [
        `every callback within ${TARGETS.callbackMs / 1000} s`,
        worstCallback <= TARGETS.callbackMs,
        ms(worstCallback),
      ],
      [
        `every answer within ${TARGETS.answerMs / 1000} s`,
        worstAnswer <= TARGETS.answerMs,
        ms(worstAnswer),
      ],
    ];
    console.log('\nChecks\n');
    table(checks.map(([what, ok, value]) => [ok ? 'PASS' : 'FAIL', what, value]));
    return checks.every(([, ok]) => ok);
  } finally {
    await bot.stop();
    await fake.close();
    await rm(seedsDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--bot-process')) {
  runBotProcess().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: String(error) } satisfies FromBot);
    process.exit(1);
  });
} else {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      pool: { type: 'string' },
      pools: { type: 'string' },
      'during-refresh': { type: 'boolean', default: false },
    },
  });
  const plan = values.quick ? QUICK : FULL;
  const answerWorkers = Number(values.pool) || availableParallelism();
  const ok = values['during-refresh']
    ? await runDuringRefresh(answerWorkers)
    : values.pools
      ? await runPools(plan, values.pools.split(',').map(Number).filter(Boolean))
      : await runDriver(plan, answerWorkers);
  process.exitCode = ok ? 0 : 1;
}
