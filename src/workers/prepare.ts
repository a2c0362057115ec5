/**
 * Readying an index from the corpus folder: read the files, hash them, take
 * the snapshot when it matches, else build. The same steps run in the build
 * worker (for the bot) and on the calling thread (for the console and tests),
 * so the two cannot drift apart.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { LoadedCorpus } from '../corpus/load.ts';
import { type Article, type ArticleMeta, articleMeta, type FileProblem } from '../corpus/types.ts';
import type { PassageAnalysis } from '../search/analysis.ts';
import {
  analysesByKey,
  type BuildOptions,
  buildIndex,
  type SearchIndex,
  textsToAnalyse,
} from '../search/build.ts';
import { corpusHash, loadSnapshot } from '../search/snapshot.ts';
import { articleChanges, updateIndex } from '../search/update.ts';

/** One article as `/sources` lists it: its metadata and how many paragraphs answer. */
export interface SourceSummary extends ArticleMeta {
  paragraphs: number;
}

/** What a refresh changed: articles by id, paragraphs by id and text. */
export interface CorpusChanges {
  articles: { added: string[]; removed: string[]; changed: string[] };
  paragraphs: { added: number; removed: number };
}

/** What to ready, and from where. */
export interface PrepareRequest {
  seedsDir: string;
  /** The snapshot shared between starts and shards; null when none is kept. */
  snapshotPath: string | null;
  /**
   * `open`: the snapshot when it matches the files, else a build; `build`: always
   * build (a refresh); `reload`: only the snapshot, when the files differ from
   * `servingHash` (a shard following another's refresh).
   */
  mode: 'open' | 'build' | 'reload';
  /** The hash of the corpus serving now, for `reload`. */
  servingHash: string | null;
  /** Whether to hash the corpus even without a snapshot (a worker needs it to load its copy). */
  alwaysHash: boolean;
}

/** The outcome of {@link prepareIndex}. */
export type Prepared =
  | {
      status: 'ready';
      index: SearchIndex;
      /** The {@link corpusHash} of the files, when a snapshot is kept or `alwaysHash`. */
      hash: string | null;
      /** `updated`: built by updating the held index (see {@link PrepareSteps.held}). */
      from: 'snapshot' | 'built' | 'updated';
      problems: FileProblem[];
      /** Articles whose files became unusable, served from their last good version. */
      kept: KeptArticle[];
    }
  /** `reload` only: the files are the serving ones, or no snapshot matches them. */
  | { status: 'unchanged' }
  | { status: 'empty'; problems: FileProblem[] }
  /** The folder could not be read; `code` is the system's error code or message. */
  | { status: 'unreadable'; code: string };

/** An article served from its last good version, and the problem with its files now. */
export interface KeptArticle extends FileProblem {
  /** The article id. */
  id: string;
}

/** What {@link prepareIndex} needs from outside: the corpus reader, and a pause for tests. */
export interface PrepareSteps {
  loadCorpus: (dir: string) => Promise<LoadedCorpus>;
  /** The serving versions of these article ids (those it has), for {@link keepLastGood}. Default none. */
  lastGood?: (ids: string[]) => Promise<Article[]>;
  /**
   * Analyses of passages from the serving index or the last snapshot, by key,
   * for a build to reuse (see {@link BuildOptions.reuse}); asked only when
   * building. Default none: every passage is analysed.
   */
  reuse?: () => Promise<ReadonlyMap<string, PassageAnalysis>>;
  /** Reads a passage no analysis is reused for; tests count the calls. Default `analysePassage`. */
  analyse?: BuildOptions['analyse'];
  /**
   * Reads all the passages no analysis is reused for at once, their analyses
   * in order (the build worker spreads them over threads). Default: each
   * read in turn by `analyse`.
   */
  analyseAll?: (texts: string[]) => Promise<PassageAnalysis[]>;
  /** Runs between reading the corpus and indexing it; tests hold a build here. Default none. */
  beforeIndexing?: () => void | Promise<void>;
  /**
   * The serving edition's index with its analyses, when this thread holds it
   * and nothing else uses it: a build updates it in place (see `updateIndex`),
   * reading only the articles that changed, and takes its last good articles
   * and analyses from it instead of `lastGood` and `reuse`. Default none.
   */
  held?: SearchIndex;
  /** Keep a loaded snapshot's analyses (see `LoadOptions.analyses`), for a later build to update it. Default false. */
  snapshotAnalyses?: boolean;
}

/**
 * Reads the corpus and readies its index as `request.mode` says. Never throws
 * for a folder that cannot be read or holds nothing; what the index building
 * throws propagates.
 *
 * @example
 * const prepared = await prepareIndex({ seedsDir: 'seeds', snapshotPath: null, mode: 'build', servingHash: null, alwaysHash: false }, { loadCorpus });
 * prepared.status // => 'ready'
 */
export async function prepareIndex(
  request: PrepareRequest,
  steps: PrepareSteps,
): Promise<Prepared> {
  let loaded: LoadedCorpus;
  try {
    loaded = await steps.loadCorpus(request.seedsDir);
  } catch (error) {
    return { status: 'unreadable', code: errorCode(error) };
  }
  if (request.mode === 'reload' && loaded.articles.length === 0) return { status: 'unchanged' };
  let kept: KeptArticle[] = [];
  const { held } = steps;
  if (request.mode === 'build' && (held || steps.lastGood) && loaded.problems.length > 0) {
    const ids = loaded.problems.map((problem) => articleIdOf(problem.file));
    const serving = held
      ? held.articles.filter((article) => ids.includes(article.id))
      : await (steps.lastGood as NonNullable<PrepareSteps['lastGood']>)(ids);
    ({ kept, ...loaded } = keepLastGood(serving, loaded));
  }
  const { articles, problems } = loaded;
  if (articles.length === 0) return { status: 'empty', problems };
  const hash = request.snapshotPath || request.alwaysHash ? corpusHash(articles) : null;
  if (request.mode === 'reload' && (hash === null || hash === request.servingHash)) {
    return { status: 'unchanged' };
  }
  const snapshot =
    request.mode !== 'build' && request.snapshotPath && hash !== null
      ? await loadSnapshot(request.snapshotPath, hash, {
          analyses: steps.snapshotAnalyses === true,
        })
      : null;
  if (snapshot) return { status: 'ready', index: snapshot, hash, from: 'snapshot', problems, kept };
  if (request.mode === 'reload') return { status: 'unchanged' };
  await steps.beforeIndexing?.();
  const reuse = held?.analyses
    ? analysesByKey(held.analyses)
    : new Map(steps.reuse ? await steps.reuse() : []);
  if (steps.analyseAll) {
    // The held index's passages all have their analyses: only what changed is read.
    const changes = held ? articleChanges(held.articles, articles) : null;
    const reading = changes ? [...changes.added, ...changes.changed] : articles;
    const texts = textsToAnalyse(reading, reuse);
    for (const analysis of await steps.analyseAll(texts)) reuse.set(analysis.key, analysis);
  }
  const options = { reuse, ...(steps.analyse ? { analyse: steps.analyse } : {}) };
  const updated = held?.analyses ? updateIndex(held, articles, options) : null;
  if (updated) return { status: 'ready', index: updated, hash, from: 'updated', problems, kept };
  const index = buildIndex(articles, options);
  return { status: 'ready', index, hash, from: 'built', problems, kept };
}

/**
 * Keeps the served version of each article whose text or sidecar can no longer
 * be used (a typo in the JSON, the text replaced by a binary file), instead of
 * dropping it. An article whose files are gone is removed, as asked.
 *
 * @example
 * keepLastGood([istanbul], { articles: [], problems: [{ file: 'istanbul.txt', reason: 'is a binary file, not text' }] })
 * // => { articles: [istanbul], problems: [], kept: [{ id: 'istanbul', file: 'istanbul.txt', reason: 'is a binary file, not text' }] }
 */
export function keepLastGood(
  serving: ReadonlyArray<Article>,
  loaded: LoadedCorpus,
): LoadedCorpus & { kept: KeptArticle[] } {
  const servingById = new Map(serving.map((article) => [article.id, article]));
  const loadedIds = new Set(loaded.articles.map((article) => article.id));
  const articles = [...loaded.articles];
  const problems: FileProblem[] = [];
  const kept: KeptArticle[] = [];
  for (const problem of loaded.problems) {
    const id = articleIdOf(problem.file);
    const lastGood = servingById.get(id);
    if (lastGood && !loadedIds.has(id)) {
      articles.push(lastGood);
      loadedIds.add(id);
      kept.push({ id, ...problem });
    } else {
      problems.push(problem);
    }
  }
  articles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { articles, problems, kept };
}

/** The article id a corpus file stands for: its name without the extension. */
function articleIdOf(file: string): string {
  return file.slice(0, -extname(file).length);
}

/**
 * The system's code for a failed read (`ENOENT`…), else its message.
 *
 * @example
 * errorCode(Object.assign(new Error('gone'), { code: 'ENOENT' })) // => 'ENOENT'
 */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * A short fingerprint of every content paragraph (article id, number, text),
 * one per line, to tell what a refresh changed without keeping the old text.
 *
 * @example
 * corpusDigest(articles).split('\n').length // => the number of content paragraphs, plus one line per article
 */
export function corpusDigest(articles: ReadonlyArray<Article>): string {
  const lines: string[] = [];
  for (const article of articles) {
    lines.push(`a ${article.id} ${fingerprint(JSON.stringify(article))}`);
    for (const paragraph of article.paragraphs) {
      if (paragraph.boilerplate) continue;
      lines.push(`p ${fingerprint(`${article.id}#${paragraph.number}\n${paragraph.text}`)}`);
    }
  }
  return lines.join('\n');
}

/**
 * What changed between two corpora given their {@link corpusDigest}s:
 * articles by id (changed when anything in them changed), paragraphs by id and text.
 *
 * @example
 * compareDigests(corpusDigest([a]), corpusDigest([a, b])).articles.added // => ['b']
 */
export function compareDigests(before: string, after: string): CorpusChanges {
  const read = (digest: string) => {
    const articles = new Map<string, string>();
    const paragraphs = new Set<string>();
    for (const line of digest.split('\n')) {
      const [kind, first, second] = line.split(' ');
      if (kind === 'a' && first !== undefined) articles.set(first, second ?? '');
      else if (kind === 'p' && first !== undefined) paragraphs.add(first);
    }
    return { articles, paragraphs };
  };
  const old = read(before);
  const now = read(after);
  const ids = (map: Map<string, string>) => [...map.keys()];
  return {
    articles: {
      added: ids(now.articles).filter((id) => !old.articles.has(id)),
      removed: ids(old.articles).filter((id) => !now.articles.has(id)),
      changed: ids(now.articles).filter(
        (id) => old.articles.has(id) && old.articles.get(id) !== now.articles.get(id),
      ),
    },
    paragraphs: {
      added: [...now.paragraphs].filter((key) => !old.paragraphs.has(key)).length,
      removed: [...old.paragraphs].filter((key) => !now.paragraphs.has(key)).length,
    },
  };
}

/**
 * The articles as `/sources` lists them: metadata and the count of paragraphs that answer.
 *
 * @example
 * catalogOf(index)[0]?.paragraphs // => 28 for the seed article
 */
export function catalogOf(index: SearchIndex): SourceSummary[] {
  return index.articles.map((article) => ({
    ...articleMeta(article),
    paragraphs: article.paragraphs.filter((p) => !p.boilerplate).length,
  }));
}

function fingerprint(text: string): string {
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}
