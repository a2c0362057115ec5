/**
 * Credentials never leave the bot: a URL's `user:password@` part is cut out
 * before the URL is logged, listed or shown. URLs that carry credentials are
 * refused as sources anyway (see `assertFetchableUrl`), so these functions only
 * keep the refusal itself, and anything else that names such a URL, from
 * repeating the password.
 *
 * Plain string scans rather than regular expressions: the text is untrusted
 * and may be long, and a scan is linear whatever it holds.
 */

/** What stands in for the credentials removed from a URL. */
export const REDACTED_CREDENTIALS = '[redacted]@';

/** Characters that end a URL's authority (host part). */
const AUTHORITY_END = new Set(['/', '\\', '?', '#']);
/** In free text, a URL also ends at white space and at the quotes and brackets around it. */
const TEXT_URL_END = new Set([' ', '\t', '\n', '\r', '"', "'", '<', '>', '`']);
const NO_EXTRA_ENDS = new Set<string>();

/**
 * A URL without its user name and password, for logs and messages. A URL that
 * does not parse (or has no `scheme://`) has everything up to the last `@` of
 * its host part replaced instead, so `user:pass@host/x` loses `user:pass` too.
 *
 * @example
 * withoutCredentials('https://ann:s3cret@news.example/a') // => 'https://news.example/a'
 * withoutCredentials('ann:s3cret@news.example/a') // => '[redacted]@news.example/a'
 */
export function withoutCredentials(url: string): string {
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = '';
      parsed.password = '';
      return parsed.href;
    }
  }
  const schemeEnd = url.indexOf('://');
  const start = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const { authority, end } = redactedAuthority(url, start, NO_EXTRA_ENDS);
  return url.slice(0, start) + authority + url.slice(end);
}

/**
 * Text with the credentials of every `scheme://user:pass@host` URL in it
 * replaced by {@link REDACTED_CREDENTIALS}: the last line of defence for log
 * lines, which may quote URLs from anywhere. Linear in the text's length.
 *
 * @example
 * redactCredentials('fetching http://ann:s3cret@news.example/a failed')
 * // => 'fetching http://[redacted]@news.example/a failed'
 */
export function redactCredentials(text: string): string {
  let result = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const schemeEnd = text.indexOf('://', from);
    if (schemeEnd === -1) break;
    const start = schemeEnd + 3;
    const { authority, end } = redactedAuthority(text, start, TEXT_URL_END);
    result += text.slice(copied, start) + authority;
    copied = end;
    from = end;
  }
  return copied === 0 ? text : result + text.slice(copied);
}

/**
 * The authority (host part) that starts at `start` in `text`, with everything
 * up to its last `@` redacted, and where it ends.
 */
function redactedAuthority(
  text: string,
  start: number,
  extraEnds: ReadonlySet<string>,
): { authority: string; end: number } {
  let end = start;
  let lastAt = -1;
  while (end < text.length) {
    const char = text[end] as string;
    if (AUTHORITY_END.has(char) || extraEnds.has(char)) break;
    if (char === '@') lastAt = end;
    end += 1;
  }
  const authority =
    lastAt === -1 ? text.slice(start, end) : REDACTED_CREDENTIALS + text.slice(lastAt + 1, end);
  return { authority, end };
}
