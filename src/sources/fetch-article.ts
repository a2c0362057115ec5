/**
 * Fetches a news article from a URL that a moderator added and extracts its
 * title, publisher, date and text paragraphs.
 *
 * Every hop (the first request and each redirect) goes through the SSRF guard
 * in `ssrf.ts`: the URL is checked, its host name resolved once, every address
 * vetted, and the connection then made to a vetted address only.
 *
 * Connecting to the vetted address: requests go through `node:http`/`node:https`
 * with a `lookup` option that hands back the addresses already vetted instead of
 * asking DNS again, so a rebinding DNS server cannot swap in a private address
 * between the check and the connection. The URL's host name is kept, so the
 * Host header, TLS SNI and certificate check all still use the real name. Each
 * request gets its own connection (`agent: false`) so that no pooled socket,
 * opened for an earlier hop, is ever reused. This was chosen over undici's
 * `Agent({ connect: { lookup } })` because undici is not a direct dependency.
 */

import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractInWorker } from '../workers/extract.ts';
import { withoutCredentials } from './credentials.ts';
import {
  type AddressPolicy,
  assertFetchableUrl,
  assertPublicAddresses,
  UnsafeUrlError,
} from './ssrf.ts';

export interface FetchArticleOptions {
  /** Time allowed for the whole fetch: DNS, every redirect and the body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes after decompression. Default 2 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** User-Agent header sent with every request. */
  userAgent?: string;
  /** Permit 127.0.0.0/8 and ::1 (tests, or an explicit config flag). Default false. */
  allowLoopback?: boolean;
  /** Ports URLs may name (`SOURCE_ALLOWED_PORTS`). Default 80 and 443. */
  allowedPorts?: readonly number[];
  /** Stops the fetch early, e.g. when a refresh's time budget runs out (error code `cancelled`). */
  signal?: AbortSignal;
  /**
   * Time a page may take to parse and extract, in a worker thread that is ended
   * at the limit (error code `too-slow`). Default 5000 ms.
   */
  extractTimeoutMs?: number;
  /** Resolves a host name to IP addresses. Default: the system resolver (`dns.lookup`, all addresses). */
  lookup?: (hostname: string) => Promise<string[]>;
}

export interface FetchedArticle {
  /** Final URL, after redirects. */
  url: string;
  title: string;
  /** og:site_name, else the site name Readability found, else null. Never guessed. */
  publisher: string | null;
  /** Publication date as YYYY-MM-DD, or null when the page does not give one. */
  published: string | null;
  /** Text paragraphs of the article body, in order, white space collapsed. */
  paragraphs: string[];
}

export type FetchArticleErrorCode =
  | 'bad-url'
  | 'blocked-address'
  | 'timeout'
  | 'too-large'
  | 'http-status'
  | 'not-html'
  | 'not-an-article'
  | 'too-slow'
  | 'too-complex'
  | 'too-many-redirects'
  | 'cancelled'
  | 'network';

/** A fetch that failed; the message says what went wrong and what to do about it. */
export class FetchArticleError extends Error {
  override readonly name = 'FetchArticleError';
  readonly code: FetchArticleErrorCode;

  constructor(code: FetchArticleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const DEFAULT_USER_AGENT = 'talkbot/0.1 (+article fetcher for a Discord Q&A bot)';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
/**
 * Readability's own bound on the elements it scores (a long article page has a
 * few thousand), and the deepest nesting read: deeply nested markup is what
 * makes extraction take superlinear time, and no article needs it.
 */
const MAX_ELEMENTS = 20_000;
const MAX_DEPTH = 150;
/** Below this much paragraph text, or two paragraphs, a page is not an article. */
const MIN_ARTICLE_CHARS = 300;
const MIN_ARTICLE_PARAGRAPHS = 2;

interface Settings {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  policy: AddressPolicy;
  lookup: (hostname: string) => Promise<string[]>;
}

/**
 * The SSRF guard's policy for these fetch options, to check a URL the same way
 * before fetching it (see `assertFetchableUrl`).
 *
 * @example
 * addressPolicy({ allowLoopback: true }) // => { allowLoopback: true }
 */
export function addressPolicy(options: FetchArticleOptions): AddressPolicy {
  return {
    allowLoopback: options.allowLoopback ?? false,
    ...(options.allowedPorts ? { allowedPorts: options.allowedPorts } : {}),
  };
}

/**
 * Fetches an article page and extracts it, refusing anything but public
 * http(s) addresses on every redirect hop.
 *
 * @throws {FetchArticleError} whose `code` says what kind of failure it was
 * @example
 * const article = await fetchArticle('https://www.example.com/news/2024/03/05/bridge');
 * article.title // => 'City council approves new river crossing'
 * article.published // => '2024-03-05'
 * article.paragraphs[0] // => 'The city council voted 7 to 2 on Tuesday ...'
 */
export async function fetchArticle(
  url: string,
  options: FetchArticleOptions = {},
): Promise<FetchedArticle> {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    policy: addressPolicy(options),
    lookup: options.lookup ?? systemLookup,
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([controller.signal, options.signal])
    : controller.signal;
  const progress = { url: String(url) };
  try {
    const page = await download(url, settings, signal, progress);
    const timeLimitMs = options.extractTimeoutMs;
    const article = await extractInWorker(page.html, page.url, timeLimitMs ? { timeLimitMs } : {});
    return { url: page.url, ...article };
  } catch (error) {
    if (options.signal?.aborted) {
      throw new FetchArticleError('cancelled', `fetching ${progress.url} was stopped`, {
        cause: error,
      });
    }
    throw asFetchError(error, progress.url, settings, signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Extracts an article from an HTML page with Readability (on linkedom).
 * Metadata is read before Readability runs, since Readability edits the document.
 *
 * @throws {FetchArticleError} code 'not-an-article' when the page has too little text
 * @example
 * const html = await readFile('test/fixtures/html/article.html', 'utf8');
 * extractArticle(html, 'https://news.example/a').publisher // => 'The Harbor Ledger'
 */
export function extractArticle(html: string, url: string): Omit<FetchedArticle, 'url'> {
  const { document } = parseHTML(html);
  const shape = markupShape(document.documentElement);
  if (shape.depth > MAX_DEPTH) {
    throw new FetchArticleError(
      'too-complex',
      `${url} nests its markup more than ${MAX_DEPTH} levels deep, which no article needs; it is not read`,
    );
  }
  if (shape.elements > MAX_ELEMENTS) {
    throw new FetchArticleError(
      'too-complex',
      `${url} has more than ${MAX_ELEMENTS} elements, more than an article page; it is not read`,
    );
  }
  const siteName = metaContent(document, ['og:site_name']);
  const pageTitle = collapse(document.querySelector('title')?.textContent ?? '');
  const heading = collapse(document.querySelector('h1')?.textContent ?? '');
  const published = firstIsoDate([
    metaContent(document, ['article:published_time']),
    jsonLdDatePublished(document),
    metaContent(document, [
      'og:published_time',
      'datepublished',
      'parsely-pub-date',
      'dc.date.issued',
      'dc.date',
      'date',
    ]),
    timeDatetime(document),
  ]);

  // Readability counts with getElementsByTagName('*'), which linkedom answers with
  // nothing, so its own bound never trips here: `markupShape` enforces it above.
  const parsed = new Readability(document, { maxElemsToParse: MAX_ELEMENTS }).parse();
  const paragraphs = parsed?.content ? paragraphsOf(parsed.content) : [];
  const textLength = paragraphs.reduce((sum, paragraph) => sum + paragraph.length, 0);
  if (paragraphs.length < MIN_ARTICLE_PARAGRAPHS || textLength < MIN_ARTICLE_CHARS) {
    throw new FetchArticleError(
      'not-an-article',
      `${url} does not look like an article (found ${paragraphs.length} paragraph(s), ` +
        `${textLength} characters of text); it may be a login, paywall, index or error page, ` +
        'so add the link to the article itself',
    );
  }

  return {
    title: collapse(parsed?.title ?? '') || pageTitle || heading || url,
    publisher: siteName ?? (collapse(parsed?.siteName ?? '') || null),
    published: published ?? firstIsoDate([parsed?.publishedTime]),
    paragraphs,
  };
}

// ---------------------------------------------------------------------------
// Downloading

async function systemLookup(hostname: string): Promise<string[]> {
  const results = await dns.lookup(hostname, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

async function download(
  input: string,
  settings: Settings,
  signal: AbortSignal,
  progress: { url: string },
): Promise<{ url: string; html: string }> {
  let url = assertFetchableUrl(input, settings.policy);
  let redirectedFrom: string | undefined;
  for (let redirects = 0; ; redirects++) {
    progress.url = url.href;
    const addresses = await resolveHost(url, settings.lookup, signal);
    assertPublicAddresses(url, addresses, settings.policy, redirectedFrom);
    const response = await sendRequest(url, addresses, settings.userAgent, signal);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;

    if (REDIRECT_STATUSES.has(status) && location) {
      response.destroy();
      if (redirects >= settings.maxRedirects) {
        throw new FetchArticleError(
          'too-many-redirects',
          `${input} redirected more than ${settings.maxRedirects} times (last to ${url.href}); ` +
            'the site may be looping or require cookies, so try the final article URL from a browser',
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new FetchArticleError(
          'bad-url',
          `${url.href} redirected to an invalid URL (${withoutCredentials(location).slice(0, 200)}); try the article's final URL instead`,
        );
      }
      redirectedFrom = url.href;
      url = assertFetchableUrl(next, settings.policy, redirectedFrom);
      continue;
    }

    if (status < 200 || status > 299) {
      response.destroy();
      throw new FetchArticleError('http-status', statusMessage(url.href, status, response));
    }

    const contentType = response.headers['content-type'];
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType !== '' && !HTML_TYPES.has(mediaType)) {
      response.destroy();
      throw new FetchArticleError(
        'not-html',
        `${url.href} is ${mediaType}, not an HTML page; add the link to the article's web page instead`,
      );
    }
    const declaredLength = Number(response.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > settings.maxBytes) {
      response.destroy();
      throw tooLarge(url.href, settings.maxBytes, declaredLength);
    }

    const body = await readBody(response, url.href, settings.maxBytes, signal);
    const html = decodeHtml(body, contentType);
    if (mediaType === '' && !looksLikeHtml(html)) {
      throw new FetchArticleError(
        'not-html',
        `${url.href} did not say what kind of content it is and does not look like HTML; add the link to the article's web page instead`,
      );
    }
    return { url: url.href, html };
  }
}

/** Resolves the URL's host (IP literals as is), giving up when the deadline passes. */
async function resolveHost(
  url: URL,
  lookup: (hostname: string) => Promise<string[]>,
  signal: AbortSignal,
): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return [host];
  try {
    return await untilAborted(lookup(host), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new FetchArticleError(
      'network',
      `could not look up the host ${host} for ${url.href}${code ? ` (${code})` : ''}; check the URL for typos, or try again later`,
      { cause: error },
    );
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A `lookup` for `net.connect` that answers with the already vetted addresses only. */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const entries = addresses
      .map((address) => ({ address, family: isIP(address) }))
      .filter((entry) => family === 0 || entry.family === family);
    const first = entries[0];
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no IPv${family} address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
    } else if (options.all) {
      callback(null, entries);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

function sendRequest(
  url: URL,
  addresses: readonly string[],
  userAgent: string,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'GET',
        agent: false,
        lookup: pinnedLookup(addresses),
        signal,
        headers: {
          'user-agent': userAgent,
          accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
          'accept-encoding': 'gzip, deflate, br',
        },
      },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

/** Reads the (decompressed) body, stopping as soon as it passes `maxBytes`. */
async function readBody(
  response: http.IncomingMessage,
  url: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  addAbortSignal(signal, response);
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let stream: Readable;
  if (encoding === 'identity' || encoding === '') {
    stream = response;
  } else {
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? zlib.createGunzip()
        : encoding === 'deflate'
          ? zlib.createInflate()
          : encoding === 'br'
            ? zlib.createBrotliDecompress()
            : null;
    if (!decoder) {
      response.destroy();
      throw new FetchArticleError(
        'network',
        `${url} was sent with an unsupported content encoding (${encoding}); try again later or use another link`,
      );
    }
    stream = pipeline(response, decoder, () => {});
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      response.destroy();
      throw tooLarge(url, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(url: string, maxBytes: number, declared?: number): FetchArticleError {
  const size = declared === undefined ? 'more than' : `${declared} bytes, more than`;
  return new FetchArticleError(
    'too-large',
    `${url} is ${size} the ${maxBytes}-byte limit; link to a single article page rather than a large file`,
  );
}

function statusMessage(url: string, status: number, response: http.IncomingMessage): string {
  const what = `${url} answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
  if (status === 401 || status === 403) {
    return `${what}; the site refuses the bot or needs a login, so use a link that opens without signing in`;
  }
  if (status === 404 || status === 410) {
    return `${what}; check that the link is right and the article is still online`;
  }
  if (status === 429 || status >= 500)
    return `${what}; the site is busy or failing, try again later`;
  return `${what}; check the link in a browser`;
}

/** Turns anything thrown during a fetch into a FetchArticleError. */
function asFetchError(
  error: unknown,
  url: string,
  settings: Settings,
  signal: AbortSignal,
): FetchArticleError {
  if (error instanceof FetchArticleError) return error;
  if (error instanceof UnsafeUrlError) {
    return new FetchArticleError(error.code, error.message, { cause: error });
  }
  if (signal.aborted) {
    return new FetchArticleError(
      'timeout',
      `${url} did not finish loading within ${settings.timeoutMs} ms; the site may be slow or down, try again later`,
      { cause: error },
    );
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new FetchArticleError(
    'network',
    `could not load ${url} (${detail}); check that the site is up and the URL is right, then try again`,
    { cause: error },
  );
}

// ---------------------------------------------------------------------------
// Decoding and extraction

/** Decodes the body by BOM, then the Content-Type charset, then a <meta> charset, else UTF-8. */
function decodeHtml(body: Buffer, contentType: string | undefined): string {
  let label: string | undefined;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) label = 'utf-8';
  else if (body[0] === 0xfe && body[1] === 0xff) label = 'utf-16be';
  else if (body[0] === 0xff && body[1] === 0xfe) label = 'utf-16le';
  label ??= /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  label ??= metaCharset(body.subarray(0, 1024).toString('latin1'));
  try {
    return new TextDecoder(label ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** What an HTML page may open with, after white space and comments. */
const HTML_OPENINGS = ['<!doctype html', '<html', '<head', '<body'];

/**
 * Whether a page that did not say what it is starts like HTML: white space and
 * comments, then a doctype or an `<html>`, `<head>` or `<body>` tag. A scan,
 * not a regular expression: each comment is skipped with one search, so the
 * time is linear in the page's length whatever it holds.
 *
 * @example
 * looksLikeHtml('<!-- a --> <!DOCTYPE html><p>x') // => true
 * looksLikeHtml('{"json": true}') // => false
 */
export function looksLikeHtml(text: string): boolean {
  let at = skipWhiteSpace(text, 0);
  while (text.startsWith('<!--', at)) {
    const end = commentEnd(text, at + 4);
    if (end === -1) return false;
    at = skipWhiteSpace(text, end);
  }
  const opening = HTML_OPENINGS.find(
    (candidate) => text.slice(at, at + candidate.length).toLowerCase() === candidate,
  );
  return opening !== undefined && !isWordCharacter(text[at + opening.length] ?? '');
}

/**
 * Where a comment whose `<!--` ends at `from` ends, or -1 when it never does.
 * As browsers read it: at the first `-->`, or at once for `<!-->` and `<!--->`.
 */
function commentEnd(text: string, from: number): number {
  if (text.startsWith('>', from)) return from + 1;
  if (text.startsWith('->', from)) return from + 2;
  const end = text.indexOf('-->', from);
  return end === -1 ? -1 : end + 3;
}

/**
 * The charset a `<meta charset=…>` or `<meta http-equiv … content="…; charset=…">`
 * names in the start of a page. A scan in one pass: each tag is searched up
 * to its `>` once.
 *
 * @example
 * metaCharset('<head><meta charset="windows-1252">') // => 'windows-1252'
 */
export function metaCharset(head: string): string | undefined {
  const lower = head.toLowerCase();
  for (let at = lower.indexOf('<meta'); at !== -1; at = lower.indexOf('<meta', at)) {
    const close = lower.indexOf('>', at);
    const end = close === -1 ? lower.length : close;
    const tag = lower.slice(at, end);
    for (let key = tag.indexOf('charset'); key !== -1; key = tag.indexOf('charset', key + 1)) {
      const label = charsetValue(head.slice(at + key + 'charset'.length, end));
      if (label) return label;
    }
    at = end;
  }
  return undefined;
}

/** The label after `charset` in `= "label"`, or null when none follows. */
function charsetValue(rest: string): string | null {
  let at = skipWhiteSpace(rest, 0);
  if (rest[at] !== '=') return null;
  at = skipWhiteSpace(rest, at + 1);
  if (rest[at] === '"' || rest[at] === "'") at = skipWhiteSpace(rest, at + 1);
  let end = at;
  while (end < rest.length && isLabelCharacter(rest[end] as string)) end += 1;
  return end > at ? rest.slice(at, end) : null;
}

function skipWhiteSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && WHITE_SPACE.test(text[at] as string)) at += 1;
  return at;
}

const WHITE_SPACE = /^\s$/;
const WORD_CHARACTER = /^\w$/;
const LABEL_CHARACTER = /^[\w.:-]$/;

function isWordCharacter(char: string): boolean {
  return WORD_CHARACTER.test(char);
}

function isLabelCharacter(char: string): boolean {
  return LABEL_CHARACTER.test(char);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Content of the first <meta> whose property, name or itemprop is one of `keys` (case-insensitive). */
function metaContent(document: Document, keys: readonly string[]): string | null {
  const found = new Map<string, string>();
  for (const meta of document.querySelectorAll('meta')) {
    const key = (
      meta.getAttribute('property') ??
      meta.getAttribute('name') ??
      meta.getAttribute('itemprop') ??
      ''
    ).toLowerCase();
    const content = collapse(meta.getAttribute('content') ?? '');
    if (content !== '' && !found.has(key)) found.set(key, content);
  }
  for (const key of keys) {
    const content = found.get(key);
    if (content) return content;
  }
  return null;
}

const ARTICLE_TYPE = /Article|Posting|Report/;

/** datePublished from JSON-LD, preferring objects whose @type is an article type. */
function jsonLdDatePublished(document: Document): string | null {
  let fallback: string | null = null;
  const visit = (value: unknown): string | null => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = visit(item);
        if (found) return found;
      }
      return null;
    }
    if (typeof value !== 'object' || value === null) return null;
    const record = value as Record<string, unknown>;
    const date = record.datePublished;
    if (typeof date === 'string' && date.trim() !== '') {
      const types = ([] as unknown[]).concat(record['@type']);
      if (types.some((type) => typeof type === 'string' && ARTICLE_TYPE.test(type))) return date;
      fallback ??= date;
    }
    for (const child of Object.values(record)) {
      const found = visit(child);
      if (found) return found;
    }
    return null;
  };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    const text = (script.textContent ?? '').replace(/^\s*<!\[CDATA\[|\]\]>\s*$/g, '');
    try {
      const found = visit(JSON.parse(text));
      if (found) return found;
    } catch {
      // Broken JSON-LD is common; the other date sources still apply.
    }
  }
  return fallback;
}

function timeDatetime(document: Document): string | null {
  const time =
    document.querySelector('article time[datetime]') ?? document.querySelector('time[datetime]');
  return time?.getAttribute('datetime') ?? null;
}

/** The first value that holds a real date, as YYYY-MM-DD. */
function firstIsoDate(values: ReadonlyArray<string | null | undefined>): string | null {
  for (const value of values) {
    const date = value ? toIsoDate(value) : null;
    if (date) return date;
  }
  return null;
}

/**
 * The calendar date of a date string. An ISO date keeps the day it was
 * written with (the publisher's local day), rather than shifting to UTC.
 */
function toIsoDate(value: string): string | null {
  const iso = /^\s*(\d{4})-(\d{2})-(\d{2})(?:\D|$)/.exec(value);
  if (iso) {
    const [, year, month, day] = iso;
    const time = Date.UTC(Number(year), Number(month) - 1, Number(day));
    const date = new Date(time).toISOString().slice(0, 10);
    return date === `${year}-${month}-${day}` ? date : null;
  }
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : null;
}

/** Elements whose start and end break the text into separate paragraphs. */
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'blockquote',
  'dd',
  'div',
  'dl',
  'dt',
  'figure',
  'footer',
  'header',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
]);
/** Elements left out with everything inside them: headings, captions, non-text. */
const SKIPPED_TAGS = new Set([
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'figcaption',
  'script',
  'style',
  'noscript',
  'template',
  'button',
  'select',
  'textarea',
  'svg',
]);
/** A paragraph that is mostly link text is a "related stories" list, not article text. */
const MAX_LINK_SHARE = 0.5;

/** How deep elements nest below `root` and how many there are, counted without recursion (a page may nest thousands deep). */
function markupShape(root: Element | null): { depth: number; elements: number } {
  let depth = 0;
  let elements = 0;
  const stack: Array<[Element, number]> = root ? [[root, 1]] : [];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [element, level] = entry;
    elements += 1;
    depth = Math.max(depth, level);
    for (const child of element.children) stack.push([child, level + 1]);
  }
  return { depth, elements };
}

/**
 * Splits Readability's content HTML into text paragraphs: each run of text
 * between block boundaries is one paragraph. Headings and captions are dropped
 * (they are labels, not passages), as are paragraphs made mostly of links.
 */
function paragraphsOf(contentHtml: string): string[] {
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${contentHtml}</body></html>`);
  const paragraphs: string[] = [];
  let text = '';
  let linkText = '';

  const flush = () => {
    const paragraph = collapse(text);
    const links = collapse(linkText);
    if (paragraph !== '' && links.length <= paragraph.length * MAX_LINK_SHARE) {
      paragraphs.push(paragraph);
    }
    text = '';
    linkText = '';
  };
  const walk = (node: Node, inLink: boolean) => {
    if (node.nodeType === 3) {
      const value = node.nodeValue ?? '';
      text += value;
      if (inLink) linkText += value;
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = (node as Element).localName.toLowerCase();
    if (SKIPPED_TAGS.has(tag)) return;
    if (tag === 'br') {
      text += ' ';
      return;
    }
    const block = BLOCK_TAGS.has(tag);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child, inLink || tag === 'a');
    if (block) flush();
  };
  walk(document.body, false);
  flush();
  return paragraphs;
}
