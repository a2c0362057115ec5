import { createInterface } from 'node:readline/promises';
import { Insights } from '../insights/insights.ts';
import type { Library } from '../library.ts';
import { renderConsoleInsights } from './insights.ts';
import { ANSI_STYLE, PLAIN_STYLE, renderAnswer, renderRefresh, renderSources } from './render.ts';

/** Whoever runs the console runs the bot, so they may add sources. */
const CONSOLE_USER = 'console';

/** Insights turned off, for callers that keep none. */
const OFF = Insights.open({
  path: null,
  retentionDays: 1,
  logger: { warn: () => {}, info: () => {} },
});

export const CONSOLE_HELP = `Ask about the articles. Commands:
  /ask <question>     the passages that answer it, with their sources (or just type the question)
  /search <keywords>  look passages up
  /sources            the articles I know
  /add-source <url>   fetch a news article from its link and add it
  /refresh            reload the articles, fetching the listed links again
  /insights [days]    refused questions and answers voted down, over every server
  /help               this text
  /quit               leave (or Ctrl+D)`;

/**
 * Runs one console command and returns what to print; the console and tests share it.
 *
 * @example
 * await runConsoleCommand(library, '/ask who led the Ukrainian delegation?')
 */
export async function runConsoleCommand(
  library: Library,
  line: string,
  style = PLAIN_STYLE,
  insights: Insights = OFF,
): Promise<string> {
  const [, command = '', rest = ''] = /^\/([\w-]+)\s*([\s\S]*)$/.exec(line.trim()) ?? [
    null,
    'ask',
    line,
  ];
  switch (command.toLowerCase()) {
    case 'ask':
      return renderAnswer(library.answer(rest), style);
    case 'search':
      return renderAnswer(library.search(rest, { limit: 5 }), style);
    case 'sources':
      return renderSources(library.sources(), library.loadedAt);
    case 'add-source': {
      const result = await library.addSource(rest, {
        requestedBy: CONSOLE_USER,
        ownerIds: [CONSOLE_USER],
      });
      return result.message;
    }
    case 'refresh':
      return renderRefresh(await library.refresh({ requestedBy: CONSOLE_USER }));
    case 'insights':
      return renderConsoleInsights(insights, rest);
    case 'help':
      return CONSOLE_HELP;
    default:
      return `Unknown command /${command}. ${CONSOLE_HELP}`;
  }
}

/**
 * The interactive console: the bot's commands in a terminal, for running
 * without a Discord token.
 */
export async function runConsole(library: Library, insights: Insights = OFF): Promise<void> {
  const style = process.stdout.isTTY ? ANSI_STYLE : PLAIN_STYLE;
  const terminal = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'ask> ',
  });
  const articles = library.sources().length;
  process.stdout.write(
    `talkbot console: ${articles} article${articles === 1 ? '' : 's'} loaded. No DISCORD_TOKEN set, so the bot runs here.\n${CONSOLE_HELP}\n`,
  );
  terminal.prompt();
  for await (const line of terminal) {
    const trimmed = line.trim();
    if (trimmed === '/quit' || trimmed === '/exit') break;
    if (trimmed)
      process.stdout.write(`${await runConsoleCommand(library, trimmed, style, insights)}\n`);
    terminal.prompt();
  }
  terminal.close();
}
