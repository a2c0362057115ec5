import { Writable } from 'node:stream';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, describeError, redactUrls } from '../../src/log.ts';

const TOKEN_URL =
  'http://127.0.0.1:1/api/v10/interactions/123456789012345678/aW50ZXJhY3Rpb246c2VjcmV0/callback';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('describeError', () => {
  it('keeps only code, status and method of a Discord API error', () => {
    const error = new DiscordAPIError(
      { code: 10062, message: 'Unknown interaction' },
      10062,
      404,
      'POST',
      TOKEN_URL,
      { body: { secret: 'body' } },
    );
    expect(describeError(error)).toEqual({
      name: 'DiscordAPIError',
      code: 10062,
      status: 404,
      method: 'POST',
    });
  });

  it('keeps only status and method of an HTTP error', () => {
    const error = new HTTPError(502, 'Bad Gateway', 'PATCH', TOKEN_URL, { body: {} });
    expect(describeError(error)).toEqual({ name: 'HTTPError', status: 502, method: 'PATCH' });
  });

  it('cuts tokens out of URLs in other errors', () => {
    const described = describeError(new Error(`fetch failed: ${TOKEN_URL}`));
    expect(JSON.stringify(described)).not.toContain('aW50ZXJhY3Rpb246c2VjcmV0');
    expect(described.message).toContain('/interactions/123456789012345678/[redacted]/callback');
    expect(describeError('plain')).toEqual({ value: 'plain' });
  });

  it('redacts webhook tokens too', () => {
    expect(redactUrls('/webhooks/1/abc-DEF_ghi/messages/@original')).toBe(
      '/webhooks/1/[redacted]/messages/@original',
    );
  });
});

describe('createLogger', () => {
  it('writes JSON lines without the bot token or token fields', () => {
    const { lines, destination } = capture();
    const token = 'MTIzNDU2Nzg5.bot-token.value';
    const logger = createLogger({ level: 'debug', secrets: [token], destination });
    logger.info({ token, headers: { authorization: `Bot ${token}` } }, `login with ${token}`);
    logger.debug({ nested: { token: 'x' } }, 'nested');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(token);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 30,
      token: '[redacted]',
      msg: 'login with [redacted]',
    });
    expect(JSON.parse(lines[1] ?? '{}').nested.token).toBe('[redacted]');
  });

  it('writes readable lines in the pretty format, still without the token', () => {
    const { lines, destination } = capture();
    const token = 'MTIzNDU2Nzg5.bot-token.value';
    const logger = createLogger({ level: 'info', format: 'pretty', secrets: [token], destination });
    logger.warn({ attempt: 2 }, `could not reach Discord with ${token}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\] WARN: could not reach Discord with \[redacted\]\n/,
    );
    expect(lines[0]).toContain('attempt: 2');
    expect(lines[0]).not.toContain('{"level"');
  });

  it('picks pretty lines for a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(null, { isTTY: true })).toBe('pretty');
    expect(chooseLogFormat(null, { isTTY: false })).toBe('json');
    expect(chooseLogFormat(null, {})).toBe('json');
    expect(chooseLogFormat('json', { isTTY: true })).toBe('json');
    expect(chooseLogFormat('pretty', {})).toBe('pretty');
  });

  it('respects the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });
});
