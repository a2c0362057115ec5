import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REDACTED_CREDENTIALS,
  redactCredentials,
  withoutCredentials,
} from '../src/sources/credentials.ts';
import { assertFetchableUrl } from '../src/sources/ssrf.ts';

/**
 * Passwords as a URL may carry them: anything but the characters that end a
 * host part, after a marker no message could hold by chance.
 */
const password = fc
  .string({ maxLength: 30, unit: 'grapheme-ascii' })
  .filter((p) => !/[/\\?#@\s"'<>`]/.test(p))
  .map((p) => `Pw9${p}`);

describe('withoutCredentials', () => {
  it.each([
    ['https://ann:s3cret@news.example/a', 'https://news.example/a'],
    ['http://ann@news.example/', 'http://news.example/'],
    ['https://news.example/a?next=x@y', 'https://news.example/a?next=x@y'],
    ['ann:s3cret@news.example/a', `${REDACTED_CREDENTIALS}news.example/a`],
    ['http://ann:s3 cret@[bad/a', `http://${REDACTED_CREDENTIALS}[bad/a`],
    ['not a url', 'not a url'],
  ])('%s → %s', (input, expected) => {
    expect(withoutCredentials(input)).toBe(expected);
  });
});

describe('redactCredentials', () => {
  it('cuts the credentials of every URL in a text, and nothing else', () => {
    expect(
      redactCredentials(
        '{"url":"http://a:b1@h.example/x","msg":"see https://c:d2@i.example and mail@x.example"}',
      ),
    ).toBe(
      `{"url":"http://${REDACTED_CREDENTIALS}h.example/x","msg":"see https://${REDACTED_CREDENTIALS}i.example and mail@x.example"}`,
    );
    expect(redactCredentials('no url here')).toBe('no url here');
  });

  it('never lets a password through, whatever surrounds the URL', () => {
    fc.assert(
      fc.property(fc.string(), password, fc.string(), (before, secret, after) => {
        const text = `${before} http://user:${secret}@news.example/path ${after}`;
        const redacted = redactCredentials(text);
        expect(redacted).toContain(`http://${REDACTED_CREDENTIALS}news.example/path`);
        expect(redacted.split(`:${secret}@`)).toHaveLength(1);
      }),
    );
  });

  it('keeps the refusal of a URL with credentials free of the password', () => {
    fc.assert(
      fc.property(password, (secret) => {
        const url = `https://editor:${encodeURIComponent(secret)}@news.example/a`;
        expect(() => assertFetchableUrl(url)).toThrow(/contains a user name or password/);
        try {
          assertFetchableUrl(url);
        } catch (error) {
          expect((error as Error).message).not.toContain(encodeURIComponent(secret));
        }
      }),
    );
  });
});
