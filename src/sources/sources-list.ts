/**
 * The sources list, `seeds/sources.list`: the article URLs the bot fetches on
 * every refresh, one per line. Each fetched article is saved beside it as plain
 * corpus files (`url-<host>-<hash>.txt` + `.json`), so what the bot knows stays
 * in files git can track and a failed fetch never loses the last good copy.
 */

import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ArticleMetadata } from '../corpus/metadata.ts';
import { cleanText } from '../text/clean.ts';
import { trimWhere } from '../text/trim.ts';
import type { FetchedArticle } from './fetch-article.ts';
import { type AddressPolicy, assertFetchableUrl } from './ssrf.ts';

/** The list's file name inside the seeds folder (the corpus loader ignores it: not .txt/.md). */
export const SOURCES_LIST_FILE = 'sources.list';

/** Written at the top of a sources list the bot creates; `seeds/sources.list` starts the same way. */
export const SOURCES_LIST_HEADER = `# Article URLs the bot fetches (talkbot sources list).
#
# Format: one http:// or https:// URL per line. Blank lines and lines starting
# with # are ignored; a # inside a URL is part of the URL, not a comment.
#
# Every refresh (/refresh, SIGHUP) fetches each URL again and saves the article
# next to this file as url-<host>-<hash>.txt (one paragraph per line) and
# url-<host>-<hash>.json (title, publisher, published, url), so the corpus stays
# plain files. A URL that cannot be fetched keeps its last saved copy.
# Owners add URLs with /sources add url:<link>, or by editing this file.
# Deleting a line stops the refetching; delete the saved .txt and .json to drop
# the article itself.
`;

/** One line of the list, as written. */
export interface SourceLine {
  /** 1-based line number, for messages. */
  line: number;
  text: string;
}

/** Longest host part of a source's article id, so ids stay under the loader's 100 characters. */
const MAX_ID_HOST_LENGTH = 60;

/**
 * The URL lines of a sources list, in order, without comments, blank lines or
 * repeats (the same URL up to its `#fragment`).
 *
 * @example
 * parseSourcesList('# news\nhttps://a.example/x\n\nhttps://a.example/x\n')
 * // => [{ line: 2, text: 'https://a.example/x' }]
 */
export function parseSourcesList(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const key = withoutFragment(line) ?? line;
    if (seen.has(key)) return;
    seen.add(key);
    lines.push({ line: index + 1, text: line });
  });
  return lines;
}

/**
 * Checks that a URL may be fetched (http(s), no credentials, no internal host;
 * see {@link assertFetchableUrl}) and returns it in the form the list stores:
 * parsed, serialized, without a `#fragment` (the same page either way).
 *
 * @throws {UnsafeUrlError} saying why the URL cannot be used
 * @example
 * normalizeSourceUrl(' https://News.example/a#top ') // => 'https://news.example/a'
 */
export function normalizeSourceUrl(input: string, policy: AddressPolicy = {}): string {
  const url = assertFetchableUrl(input.trim(), policy);
  url.hash = '';
  return url.href;
}

/**
 * The article id a source URL is saved under: stable for a URL, readable, and
 * a valid corpus file name.
 *
 * @example
 * sourceArticleId('https://www.news.example/2025/05/16/talks') // => 'url-news.example-e7918bb9e4'
 */
export function sourceArticleId(url: string): string {
  const { hostname } = new URL(url);
  const readable = hostname
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/[^a-z0-9.-]+/g, '-');
  const host = trimWhere(readable, (c) => c === '.' || c === '-').slice(0, MAX_ID_HOST_LENGTH);
  const hash = createHash('sha1').update(url).digest('hex').slice(0, 10);
  return `url-${host || 'host'}-${hash}`;
}

/**
 * Reads the sources list of a seeds folder; a missing list is an empty one.
 *
 * @example
 * const lines = parseSourcesList(await readSourcesList('seeds'));
 */
export async function readSourcesList(seedsDir: string): Promise<string> {
  try {
    return await readFile(join(seedsDir, SOURCES_LIST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Appends a normalized URL to the sources list unless it is already there,
 * creating the list (with its format header) when missing. The caller
 * serializes calls; the file is replaced atomically.
 *
 * @returns false when the URL was already listed
 * @example
 * await appendSource('seeds', 'https://news.example/a') // => true
 */
export async function appendSource(seedsDir: string, url: string): Promise<boolean> {
  const current = await readSourcesList(seedsDir);
  if (listsSource(current, url)) return false;
  const base = current === '' ? SOURCES_LIST_HEADER : current;
  const separator = base.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(join(seedsDir, SOURCES_LIST_FILE), `${base}${separator}${url}\n`);
  return true;
}

/**
 * Whether a list already holds a URL, comparing normalized forms.
 *
 * @example
 * listsSource('https://a.example/x#top\n', 'https://a.example/x') // => true
 */
export function listsSource(listText: string, url: string): boolean {
  return parseSourcesList(listText).some(({ text }) => withoutFragment(text) === url);
}

function withoutFragment(text: string): string | null {
  try {
    const url = new URL(text);
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Saves a fetched article as `<id>.txt` (one paragraph per line) and
 * `<id>.json` (its metadata), its texts cleaned as everything the bot shows is
 * (`cleanText`: no control characters, lone surrogates, zero-width or bidi
 * controls), so the corpus never holds them. Files whose content is unchanged are left alone,
 * so a refresh that fetched the same text changes nothing on disk.
 *
 * @returns whether either file changed
 * @example
 * await saveSourceArticle('seeds', 'url-news.example-e7918bb9e4', fetched) // => true
 */
export async function saveSourceArticle(
  seedsDir: string,
  id: string,
  article: FetchedArticle,
): Promise<boolean> {
  const paragraphs = article.paragraphs.map(cleanLine).filter((p) => p !== '');
  const text = `${paragraphs.join('\n')}\n`;
  const metadata: Required<Omit<ArticleMetadata, 'author'>> = {
    title: cleanLine(article.title),
    publisher: article.publisher === null ? null : cleanLine(article.publisher),
    published: article.published,
    url: article.url,
  };
  const sidecar = `${JSON.stringify(metadata, null, 2)}\n`;
  // The sidecar goes first: a text file never appears without its metadata.
  const sidecarChanged = await writeIfChanged(join(seedsDir, `${id}.json`), sidecar);
  const textChanged = await writeIfChanged(join(seedsDir, `${id}.txt`), text);
  return sidecarChanged || textChanged;
}

/**
 * Whether a source's article was saved before (its last good copy).
 *
 * @example
 * await hasSavedCopy('seeds', 'url-news.example-e7918bb9e4') // => false on first fetch
 */
export async function hasSavedCopy(seedsDir: string, id: string): Promise<boolean> {
  return access(join(seedsDir, `${id}.txt`)).then(
    () => true,
    () => false,
  );
}

/** A text as one clean line: cleaned, white space collapsed. */
function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

async function writeIfChanged(path: string, content: string): Promise<boolean> {
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing === content) return false;
  await writeFileAtomic(path, content);
  return true;
}

/**
 * Writes a file through a temporary file and a rename, so a reader (or a
 * crash) sees the old content or the new, never half of it. The temporary
 * name starts with a dot, which the corpus loader skips.
 *
 * @example
 * await writeFileAtomic('seeds/sources.list', 'https://news.example/a\n');
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
