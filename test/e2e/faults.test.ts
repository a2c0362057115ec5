/**
 * Discord misbehaving under the real bot: rate limits (429 with retry_after)
 * on callbacks and webhooks, 500/502, a REST that answers slowly, gateway
 * drops mid-burst (1006 and 4000), INVALID_SESSION, and interactions that were
 * already answered (40060) or expired (10062). In every case each interaction
 * that can still be answered is acknowledged exactly once (work that may be
 * slow only after a deferral), and the bot neither crashes nor retries in a storm.
 * Nothing here waits on the clock: slow answers are held by promises the test
 * releases, and how fast the bot answers is measured by `npm run load`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type BotHarness,
  freshUser,
  MODERATOR_PERMISSIONS,
  startBotHarness,
} from './bot-harness.ts';
import {
  CallbackType,
  DiscordErrors,
  type InteractionHandle,
  type Json,
  type RestFault,
} from './fake-discord.ts';

const CALLBACK = '/interactions/:id/:token/callback';
const EDIT_ORIGINAL = '/webhooks/:app/:token/messages/:message';
const QUESTIONS = [
  'Who led Ukraine’s delegation?',
  'How many prisoners of war were swapped?',
  'What did Zelensky say about sanctions?',
  'Where were the talks held?',
];

let harness: BotHarness;
/** Interactions a test made unanswerable on purpose. */
const unanswerable = new Set<string>();

beforeAll(async () => {
  harness = await startBotHarness();
});
afterEach(() => {
  harness.fake.clearFaults();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await harness?.close();
});

function ask(i = 0): InteractionHandle {
  const question = QUESTIONS[i % QUESTIONS.length] ?? '';
  return harness.fake.sendSlashCommand({ name: 'ask', options: { question }, user: freshUser() });
}

function refresh(): InteractionHandle {
  return harness.fake.sendSlashCommand({
    name: 'refresh',
    permissions: MODERATOR_PERMISSIONS,
    user: freshUser(),
  });
}

/**
 * Waits until each interaction is answered (a deferred one also edited), then
 * until the bot has finished handling each, so that a second callback or a
 * retry storm would show.
 */
async function settle(handles: InteractionHandle[]): Promise<void> {
  const { fake } = harness;
  await fake.waitFor(
    () =>
      handles.every((handle) => {
        const [callback] = fake.callbacksFor(handle);
        if (!callback) return false;
        if ((callback.body as Json).type !== CallbackType.DeferredChannelMessageWithSource) {
          return true;
        }
        return fake.webhooksFor(handle).some((r) => r.method === 'PATCH');
      }),
    { description: `answers to ${handles.length} interactions` },
  );
  await harness.bot.idle(handles.map((handle) => handle.id));
}

/** Each handle has exactly one callback that Discord accepted (`callbacksFor` lists only those). */
function expectAnsweredOnce(handles: InteractionHandle[]): void {
  for (const handle of handles) expect(harness.fake.callbacksFor(handle)).toHaveLength(1);
}

/** A promise the test settles when it chooses: a slow Discord, or slow work, held until then. */
function held(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Log lines about one interaction. */
function linesAbout(handle: InteractionHandle): Json[] {
  return harness.logs().filter((line) => line.interaction === handle.id);
}

describe('REST errors the bot must ride out', () => {
  it.each<[string, RestFault]>([
    ['a 429 with retry_after', { kind: 'rateLimit', retryAfterMs: 100 }],
    ['a global 429', { kind: 'rateLimit', retryAfterMs: 100, global: true }],
    ['a 500', { kind: 'status', status: 500 }],
    ['a 502', { kind: 'status', status: 502 }],
  ])('%s on the callback: retried once, answered once', async (_, fault) => {
    const { fake } = harness;
    const injected = fake.injectFault({ method: 'POST', path: CALLBACK }, fault);
    const handles = [ask(0), ask(1), ask(2)];
    await settle(handles);
    expect(injected.hits).toBe(1);
    expectAnsweredOnce(handles);
    const attempts = handles.map((handle) => fake.callbackAttemptsFor(handle).length);
    expect(attempts.sort()).toEqual([1, 1, 2]);
  });

  it.each<[string, RestFault]>([
    ['a 429 with retry_after', { kind: 'rateLimit', retryAfterMs: 100 }],
    ['a 500', { kind: 'status', status: 500 }],
    ['a 502', { kind: 'status', status: 502 }],
  ])('%s on the edit of a deferred reply: retried, edited once', async (_, fault) => {
    const { fake } = harness;
    const injected = fake.injectFault({ method: 'PATCH', path: EDIT_ORIGINAL }, fault);
    const handle = refresh();
    await settle([handle]);
    expect(injected.hits).toBe(1);
    expectAnsweredOnce([handle]);
    const edits = fake.webhooksFor(handle).filter((r) => r.method === 'PATCH');
    expect(edits).toHaveLength(1);
    const tries = fake
      .findRequests({ method: 'PATCH' })
      .filter((r) => r.path.includes(handle.token));
    expect(tries).toHaveLength(2);
    expect(JSON.stringify(edits[0]?.body)).toMatch(/Refreshed|Refreshed moments ago/);
  });

  it('a callback Discord is slow to answer holds up no other interaction', async () => {
    const { fake } = harness;
    const slowDiscord = held();
    fake.injectFault(
      { method: 'POST', path: CALLBACK },
      { kind: 'delay', until: slowDiscord.promise },
    );
    const slow = ask(0);
    await fake.waitFor(() => fake.callbacksFor(slow)[0]);
    const others = [ask(1), ask(2), ask(3)];
    // All three are answered while the first callback's answer is still held.
    await settle(others);
    expectAnsweredOnce(others);
    expect(fake.callbackAttemptsFor(slow).map((r) => r.status)).toEqual([0]);
    slowDiscord.resolve();
    await fake.waitFor(() => fake.callbackAttemptsFor(slow)[0]?.status);
    expectAnsweredOnce([slow]);
    expect(fake.callbackAttemptsFor(slow)).toHaveLength(1);
  });

  it('slow work is deferred before it starts, then edited when it ends', async () => {
    const { fake, library } = harness;
    const refreshNow = library.refresh.bind(library);
    const workDone = held();
    vi.spyOn(library, 'refresh').mockImplementationOnce(async (options) => {
      await workDone.promise;
      return refreshNow(options);
    });
    const handle = refresh();
    const [callback] = await fake.waitFor(() => {
      const callbacks = fake.callbacksFor(handle);
      return callbacks.length > 0 ? callbacks : undefined;
    });
    expect((callback?.body as Json | undefined)?.type).toBe(
      CallbackType.DeferredChannelMessageWithSource,
    );
    expect(fake.webhooksFor(handle)).toEqual([]);
    workDone.resolve();
    await settle([handle]);
    expectAnsweredOnce([handle]);
    expect(fake.webhooksFor(handle).filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });
});

describe('interactions Discord will not take a callback for', () => {
  it.each([
    ['already answered (40060)', DiscordErrors.alreadyAcknowledged, 40060],
    ['expired (10062)', DiscordErrors.unknownInteraction, 10062],
  ] as const)('%s: logged, no crash, no retry storm', async (_, fault, code) => {
    const { fake } = harness;
    const doomed = ask(0);
    unanswerable.add(doomed.id);
    // Dispatch is synchronous, so this is in place before the bot's callback can arrive.
    fake.injectFault(
      {
        method: 'POST',
        path: `/interactions/${doomed.id}/${doomed.token}/callback`,
        times: Infinity,
      },
      fault,
    );
    await fake.waitFor(() => linesAbout(doomed).some((line) => line.msg === 'interaction failed'));
    // The apology after the failure line, and any retry, happen before the handler ends.
    await harness.bot.idle([doomed.id]);
    // The reply, and at most one attempt to say sorry: both refused, never retried.
    expect(fake.callbackAttemptsFor(doomed).length).toBeLessThanOrEqual(2);
    const errors = linesAbout(doomed).filter((line) => Number(line.level) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.err).toMatchObject({ code, method: 'POST' });
    expect(
      linesAbout(doomed).filter((line) => Number(line.level) >= 40).length,
    ).toBeLessThanOrEqual(2);
    const after = [ask(1), ask(2)];
    await settle(after);
    expectAnsweredOnce(after);
  });
});

describe('gateway trouble mid-burst', () => {
  it.each([
    ['dropped without a close frame (1006)', () => harness.fake.terminateGateway(0)],
    ['closed with 4000', () => harness.fake.closeGateway(0, 4000)],
    ['asked to reconnect (op 7)', () => harness.fake.requestReconnect(0)],
    [
      'told its session is invalid but resumable (op 9 true)',
      () => harness.fake.invalidateSession(0, true),
    ],
  ])('%s: resumes, answers what came before, during and after', async (_, disrupt) => {
    const { fake } = harness;
    const resumesBefore = fake.resumes.filter((r) => r.accepted).length;
    const before = Array.from({ length: 8 }, (_, i) => ask(i));
    disrupt();
    // Sent while the bot is away: kept by the session and replayed on RESUME.
    const during = Array.from({ length: 4 }, (_, i) => ask(i));
    await fake.waitFor(() => fake.resumes.filter((r) => r.accepted).length > resumesBefore, {
      description: 'a RESUME',
    });
    const after = Array.from({ length: 8 }, (_, i) => ask(i));
    await settle([...before, ...during, ...after]);
    expectAnsweredOnce([...before, ...during, ...after]);
    expect(fake.openGatewayConnections).toBe(1);
  });

  it('told its session is invalid (op 9 false): identifies again and answers after', async () => {
    const { fake } = harness;
    const identifiesBefore = fake.identifies.length;
    const before = Array.from({ length: 5 }, (_, i) => ask(i));
    await settle(before);
    fake.invalidateSession(0, false);
    // discord.js waits out its 5 s identify window first, so this takes a few seconds.
    await fake.waitFor(() => fake.sessionInfo().some((s) => s.connected && s.resumable), {
      description: 'a new session',
    });
    expect(fake.identifies.length).toBe(identifiesBefore + 1);
    const after = Array.from({ length: 8 }, (_, i) => ask(i));
    await settle(after);
    expectAnsweredOnce([...before, ...after]);
    expect(fake.openGatewayConnections).toBe(1);
  });
});

describe('over the whole file', () => {
  it('every interaction that could be answered was answered exactly once', () => {
    const notOnce = harness.fake
      .interactionsNotAnsweredOnce()
      .filter(({ id }) => !unanswerable.has(id));
    expect(notOnce).toEqual([]);
    for (const id of unanswerable) {
      expect(harness.fake.callbackCounts().get(id)).toBe(0);
    }
  });

  it('logged no unhandled rejection and no client error', () => {
    const messages = harness.logs().map((line) => line.msg);
    expect(messages).not.toContain('unhandled promise rejection');
    expect(messages).not.toContain('discord client error');
  });
});
