/**
 * Structured logs (pino, on stderr, so stdout stays free for the console):
 * readable lines (pino-pretty) for a person at a terminal, JSON lines for a
 * log collector. Secrets never reach a log line: the bot token is removed from
 * every line written, so are the credentials of any URL in it
 * (`user:password@`), interaction and webhook tokens are cut out of URLs, and
 * Discord REST errors are reduced to code, status and method (their `url`
 * holds the interaction token).
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat, LogLevel } from './config.ts';
import { redactCredentials } from './sources/credentials.ts';

export type { Logger } from 'pino';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** `json` lines (default) or `pretty` readable lines; see {@link chooseLogFormat}. */
  format?: LogFormat;
  /** Colours in `pretty` lines. Default: when writing to stderr and it is a terminal. */
  colorize?: boolean;
  /** Fields left out of `pretty` lines, such as the console's long audit records. Default none. */
  hide?: readonly string[];
  /** Strings to remove from every line, such as the bot token. */
  secrets?: ReadonlyArray<string | null>;
  /** Where lines go. Default: stderr, written synchronously so nothing is lost on exit. */
  destination?: DestinationStream;
}

const REDACTED = '[redacted]';

/**
 * The log format: the configured one (`LOG_FORMAT`), else readable lines when
 * the logs go to a terminal and JSON lines when they go to a file or a pipe.
 *
 * @example
 * chooseLogFormat(null, process.stderr) // => 'pretty' at a terminal, 'json' under systemd or docker
 */
export function chooseLogFormat(
  configured: LogFormat | null,
  stream: { isTTY?: boolean } = process.stderr,
): LogFormat {
  return configured ?? (stream.isTTY ? 'pretty' : 'json');
}

/**
 * A pino logger writing JSON lines, or readable ones, to stderr.
 *
 * @example
 * const logger = createLogger({ level: 'info', format: 'pretty', secrets: [config.discordToken] });
 * logger.info({ guildId }, 'refresh requested');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => Boolean(s && s.length >= 8));
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', '*.headers.authorization'],
        censor: REDACTED,
      },
      hooks: {
        streamWrite: (line) =>
          secrets.reduce(
            (text, secret) => text.replaceAll(secret, REDACTED),
            redactCredentials(line),
          ),
      },
    },
    options.format === 'pretty'
      ? prettyLines(destination, {
          colorize: options.colorize ?? (!options.destination && process.stderr.isTTY === true),
          hide: options.hide ?? [],
        })
      : destination,
  );
}

/**
 * Turns each JSON line into a readable one before it reaches `destination`,
 * synchronously (pino-pretty's transport runs in a worker, and would lose the
 * last lines when the process exits at once, as it does on a fatal error).
 */
function prettyLines(
  destination: DestinationStream,
  { colorize, hide }: { colorize: boolean; hide: readonly string[] },
): DestinationStream {
  const format = prettyFactory({
    colorize,
    ignore: ['pid', 'hostname', ...hide].join(','),
    translateTime: 'SYS:HH:MM:ss',
  });
  return { write: (line: string) => destination.write(format(line)) };
}

/** What may be logged of an error. */
export type LoggableError = Record<string, string | number | boolean | undefined>;

/**
 * The loggable part of an error. Discord REST errors keep only their code,
 * status and method; other errors keep name, message and stack with any
 * interaction or webhook token cut out of URLs.
 *
 * @example
 * logger.error({ err: describeError(error) }, 'reply failed');
 */
export function describeError(error: unknown): LoggableError {
  if (error instanceof DiscordAPIError) {
    return {
      name: 'DiscordAPIError',
      code: error.code,
      status: error.status,
      method: error.method,
    };
  }
  if (error instanceof HTTPError) {
    return { name: 'HTTPError', status: error.status, method: error.method };
  }
  if (error instanceof RateLimitError) {
    return { name: 'RateLimitError', method: error.method, retryAfter: error.retryAfter };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: redactUrls(error.message),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      stack: error.stack === undefined ? undefined : redactUrls(error.stack),
    };
  }
  return { value: redactUrls(String(error)).slice(0, 500) };
}

/**
 * Cuts interaction and webhook tokens out of Discord URLs in a text.
 *
 * @example
 * redactUrls('POST /interactions/123/aW50ZXJhY3Rpb24/callback') // => 'POST /interactions/123/[redacted]/callback'
 */
export function redactUrls(text: string): string {
  return text.replace(/\/(interactions|webhooks)\/(\d+)\/[^/\s?#"']+/g, `/$1/$2/${REDACTED}`);
}
