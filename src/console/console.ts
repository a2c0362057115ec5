import { createInterface } from 'node:readline/promises';
import { Insights } from '../insights/insights.ts';
import type { Library } from '../library/library.ts';
import { addSourceSentence } from '../replies/library-reports.ts';
import { renderConsoleInsights } from './insights.ts';
import type { PromptGuard } from './prompt-guard.ts';
import { ANSI_STYLE, PLAIN_STYLE, renderAnswer, renderRefresh, renderSources } from './render.ts';

/** Whoever runs the console runs the bot, so they may add sources. */
const CONSOLE_USER = 'console';
/** Passages shown per `/search` page; `/ask` shows the answer's default (3). */
const SEARCH_PAGE = 5;
const MORE_HINT = 'type /more to see more';

/** Insights turned off, for callers that keep none. */
const OFF = Insights.open({
  path: null,
  retentionDays: 1,
  logger: { warn: () => {}, info: () => {} },
});

export const CONSOLE_HELP = `Ask about the articles. Commands:
  /ask <question>     the passages that answer it, with their sources (or just type the question)
  /search <keywords>  look passages up
  /more               the next passages of the last question or search
  /sources            the articles I know
  /add-source <url>   fetch a news article from its link and add it
  /refresh            reload the articles, fetching the listed links again
  /insights [days]    refused questions and answers voted down, over every server
  /help               this text
  /quit               leave (or Ctrl+D)`;

/** What the console remembers between commands: the last question or search, for `/more`. */
export interface ConsoleState {
  last: { mode: 'ask' | 'search'; query: string; shown: number } | null;
}

/**
 * A console with nothing asked yet.
 *
 * @example
 * const state = newConsoleState();
 * await runConsoleCommand(library, 'Who led the talks?', PLAIN_STYLE, state);
 * await runConsoleCommand(library, '/more', PLAIN_STYLE, state);
 */
export function newConsoleState(): ConsoleState {
  return { last: null };
}

/**
 * Runs one console command and returns what to print; the console and tests
 * share it. Pass the same `state` to every command of one session, for `/more`.
 *
 * @example
 * await runConsoleCommand(library, '/ask who led the Ukrainian delegation?')
 */
export async function runConsoleCommand(
  library: Library,
  line: string,
  style = PLAIN_STYLE,
  insights: Insights = OFF,
  state: ConsoleState = newConsoleState(),
): Promise<string> {
  const [, command = '', rest = ''] = /^\/([\w-]+)\s*([\s\S]*)$/.exec(line.trim()) ?? [
    null,
    'ask',
    line,
  ];
  switch (command.toLowerCase()) {
    case 'ask':
    case 'search': {
      const mode = command.toLowerCase() as 'ask' | 'search';
      const query = rest.trim();
      if (!query) return whatToType(mode);
      state.last = { mode, query, shown: 0 };
      return showPage(library, state.last, style);
    }
    case 'more':
      if (!state.last) return 'Nothing to show more of yet: ask a question or /search first.';
      return showPage(library, state.last, style);
    case 'sources':
      return renderSources(library.sources(), library.loadedAt);
    case 'add-source': {
      // The operator at the console runs the bot: only Discord users are checked against OWNER_IDS.
      return addSourceSentence(await library.addSource(rest, { requestedBy: CONSOLE_USER }));
    }
    case 'refresh':
      // The operator at the console runs the bot: only /refresh in Discord has a cooldown.
      return renderRefresh(await library.refresh({ requestedBy: CONSOLE_USER }));
    case 'insights':
      return renderConsoleInsights(insights, rest);
    case 'help':
      return CONSOLE_HELP;
    default:
      return `Unknown command /${command}. ${CONSOLE_HELP}`;
  }
}

function whatToType(mode: 'ask' | 'search'): string {
  return mode === 'ask'
    ? 'Type a question after /ask, for example: /ask Who led Ukraine’s delegation?'
    : 'Type the words to look up after /search, for example: /search prisoner exchange';
}

/** The next page of the last question or search, remembering how far it got. */
async function showPage(
  library: Library,
  last: NonNullable<ConsoleState['last']>,
  style: typeof PLAIN_STYLE,
): Promise<string> {
  const offset = last.shown;
  const answer =
    last.mode === 'ask'
      ? await library.answer(last.query, { offset })
      : await library.search(last.query, { offset, limit: SEARCH_PAGE });
  if (offset > 0 && answer.answered && answer.results.length === 0) {
    return `No more passages match “${last.query}”.`;
  }
  last.shown = offset + answer.results.length;
  return renderAnswer(answer, style, { offset, moreHint: MORE_HINT });
}

/** Options for {@link runConsole}. */
export interface ConsoleOptions {
  /** Where `/ask` answers are recorded and `/insights` reads. Default: none kept. */
  insights?: Insights;
  /** Keeps log lines off the prompt; the console tells it when the prompt waits. */
  guard?: PromptGuard;
}

/**
 * The interactive console: the bot's commands in a terminal, for running
 * without a Discord token. The prompt is shown only when a person types
 * (standard input is a terminal), not when questions are piped in.
 */
export async function runConsole(library: Library, options: ConsoleOptions = {}): Promise<void> {
  const style = process.stdout.isTTY ? ANSI_STYLE : PLAIN_STYLE;
  const interactive = process.stdin.isTTY === true;
  const terminal = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: interactive ? 'ask> ' : '',
  });
  const { guard } = options;
  guard?.attach(terminal);
  const prompt = () => {
    terminal.prompt();
    guard?.setWaiting(true);
  };
  const articles = library.sources().length;
  process.stdout.write(
    `talkbot console: ${articles} article${articles === 1 ? '' : 's'} loaded. No DISCORD_TOKEN set, so the bot runs here.\n${CONSOLE_HELP}\n` +
      `(From another terminal, kill -HUP ${process.pid} refreshes too.)\n`,
  );
  const state = newConsoleState();
  prompt();
  for await (const line of terminal) {
    guard?.setWaiting(false);
    const trimmed = line.trim();
    if (trimmed === '/quit' || trimmed === '/exit') break;
    if (trimmed) {
      process.stdout.write(
        `${await runConsoleCommand(library, trimmed, style, options.insights ?? OFF, state)}\n`,
      );
    }
    prompt();
  }
  guard?.setWaiting(false);
  terminal.close();
}
