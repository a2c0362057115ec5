import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { classifyBoilerplate } from './boilerplate.ts';
import { type ArticleMetadata, deriveTitle, parseMetadata } from './metadata.ts';
import { splitParagraphs } from './split.ts';
import type { Article, FileProblem } from './types.ts';

/** Options for {@link loadCorpus}. */
export interface LoadOptions {
  /** Largest article or metadata file read, in bytes. Default 2 MiB (a long report is ~50 KB). */
  maxFileBytes?: number;
}

/** What a corpus folder yielded: the articles, and every file that was skipped with why. */
export interface LoadedCorpus {
  articles: Article[];
  problems: FileProblem[];
}

/** File extensions read as article text. */
export const ARTICLE_EXTENSIONS = ['.txt', '.md'] as const;
const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
const ARTICLE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A file that cannot become an article; its message is shown to moderators as is. */
class SkipFile extends Error {}

/**
 * Reads every article in a folder. A file that cannot be used (empty, binary,
 * not UTF-8, too large, bad metadata, a link leading outside the folder, gone
 * while reading, a duplicate id) is skipped and reported; the rest still load.
 *
 * @example
 * const { articles, problems } = await loadCorpus('seeds');
 * @throws when the folder itself cannot be read.
 */
export async function loadCorpus(dir: string, options: LoadOptions = {}): Promise<LoadedCorpus> {
  const root = await realpath(dir);
  const names = (await readdir(root)).filter((name) => !name.startsWith('.')).sort();
  const articles: Article[] = [];
  const problems: FileProblem[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const extension = extname(name).toLowerCase();
    if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(extension)) continue;
    const id = name.slice(0, -extension.length);
    try {
      const first = seen.get(id);
      if (first) throw new SkipFile(`same article id "${id}" as ${first}; rename one of them`);
      if (!ARTICLE_ID.test(id)) {
        throw new SkipFile(
          'file name must be letters, digits, "-", "_" or "." (it is the article id)',
        );
      }
      seen.set(id, name);
      articles.push(await loadArticle(root, name, id, options));
    } catch (error) {
      problems.push({ file: name, reason: describeProblem(error) });
    }
  }
  return { articles, problems };
}

async function loadArticle(
  root: string,
  name: string,
  id: string,
  options: LoadOptions,
): Promise<Article> {
  const text = await readTextFile(root, name, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const metadata = await readMetadata(root, `${id}.json`, options);
  const paragraphs = splitParagraphs(text).map((paragraph, index) => ({
    number: index + 1,
    text: paragraph,
    boilerplate: classifyBoilerplate(paragraph),
  }));
  const content = paragraphs.filter((paragraph) => paragraph.boilerplate === null);
  if (content.length === 0) {
    throw new SkipFile(
      'has no paragraph of article text (every line looks like a headline, label or promo)',
    );
  }
  return {
    id,
    title: metadata.title ?? deriveTitle(content[0]?.text ?? id),
    titleDerived: metadata.title == null,
    publisher: metadata.publisher ?? null,
    author: metadata.author ?? null,
    published: metadata.published ?? null,
    url: metadata.url ?? null,
    paragraphs,
  };
}

async function readMetadata(
  root: string,
  name: string,
  options: LoadOptions,
): Promise<ArticleMetadata> {
  let json: string;
  try {
    json = await readTextFile(root, name, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SkipFile(`its metadata ${name}: ${describeProblem(error)}`);
  }
  try {
    return parseMetadata(json);
  } catch (error) {
    throw new SkipFile(`its metadata ${name}: ${(error as Error).message}`);
  }
}

/** Reads a file inside `root` as UTF-8 text, refusing anything that is not plain text. */
async function readTextFile(root: string, name: string, maxBytes: number): Promise<string> {
  let path = join(root, name);
  const link = await lstat(path);
  if (link.isSymbolicLink()) {
    // Read the resolved target, so a link swapped after this check cannot lead elsewhere.
    path = await realpath(path).catch(() => {
      throw new SkipFile('is a link to a file that does not exist');
    });
    if (!path.startsWith(root + sep)) {
      throw new SkipFile('is a link to a file outside the seeds folder; copy the file in instead');
    }
  }
  // Refuse a huge file before reading it into memory.
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw new SkipFile(
      `is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for one file`,
    );
  }
  const bytes = await readFile(path);
  if (bytes.includes(0)) throw new SkipFile('is a binary file, not text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SkipFile('is not valid UTF-8 text; save it as UTF-8');
  }
  if (text.trim() === '') throw new SkipFile('is empty');
  return text;
}

function describeProblem(error: unknown): string {
  if (error instanceof SkipFile) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'disappeared while it was being read';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `could not be read (${code ?? (error as Error).message})`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}
