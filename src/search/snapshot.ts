import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import MiniSearch from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import type { Article, ArticleMeta, BoilerplateKind, Paragraph } from '../corpus/types.ts';
import type { SentenceInfo } from '../text/language.ts';
import type { PassageAnalysis } from './analysis.ts';
import {
  countMetaArticles,
  ENGINE_OPTIONS,
  type IndexedPassage,
  metadataTerms,
  type Passage,
  type SearchIndex,
  type TermInfo,
} from './build.ts';

/**
 * A snapshot is the built index saved to one file, so that a restart loads it
 * in a fraction of the time a rebuild takes. The file is gzipped lines of
 * JSON: a header, then the articles, passages, vocabulary and MiniSearch
 * engine in batches, then an end marker. Lines keep every JSON string far
 * below V8's string length limit however large the corpus; gzip's checksum
 * catches a damaged file; the end marker catches a truncated one.
 */
const FORMAT = 'talkbot-index-snapshot';
/**
 * Version of the file's layout. 2: passages are parts of paragraphs that cite
 * the paragraph's number, and carry their analysis (sentences, kinds of
 * answer, terms); articles carry their author; names by initials. 3: the rest
 * of each passage's analysis (see `PassageAnalysis`), after the passages, for
 * the next build to reuse; the header holds the indexing code's hash.
 */
const FORMAT_VERSION = 3;
/** Passages, and their analyses, per line. */
const PASSAGE_BATCH = 20_000;
/** A batch line is written once it holds this many characters. */
const LINE_CHARS = 1 << 20;
/**
 * gzip level. Level 1 is several times faster than the default 6 for a file
 * about 10% larger; compression runs on libuv's thread pool, beside the
 * JSON work on the main thread.
 */
const GZIP_LEVEL = 1;

/**
 * The code that decides what a snapshot holds: text processing, index
 * building (with this file's format), and the packages they use. A snapshot
 * built by other code would hold terms a question no longer produces, so a
 * change to any of it invalidates every snapshot; no version number to forget.
 * Whole folders, so that a new module is covered without being listed here.
 */
const INDEXING_SOURCE_DIRS = ['../text/', './'];
const INDEXING_PACKAGES = ['minisearch', 'stemmer', 'wink-nlp', 'wink-eng-lite-web-model'];

let indexingCodeHash: string | undefined;

/** A hash of the indexing code, read once per process. */
function indexingCode(): string {
  if (indexingCodeHash !== undefined) return indexingCodeHash;
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  const files = [
    ...INDEXING_SOURCE_DIRS.flatMap((dir) => {
      const path = fileURLToPath(new URL(dir, import.meta.url));
      return readdirSync(path)
        .filter((name) => name.endsWith('.ts'))
        .sort()
        .map((name) => join(path, name));
    }),
    ...INDEXING_PACKAGES.map((name) => require.resolve(name)),
  ];
  for (const file of files) {
    hash.update(`${basename(file)}\n`);
    hash.update(readFileSync(file));
  }
  indexingCodeHash = hash.digest('hex');
  return indexingCodeHash;
}

/**
 * A sha256 (hex) of everything an index is built from: each article's id,
 * metadata and paragraphs, and the code that indexes them (text processing,
 * index building, the snapshot format, MiniSearch and the stemmer).
 * A snapshot is only loaded for the hash it was saved with.
 *
 * @example
 * const hash = corpusHash(articles);
 * const index = (await loadSnapshot(path, hash)) ?? buildIndex(articles);
 */
export function corpusHash(articles: ReadonlyArray<Article>): string {
  const hash = createHash('sha256');
  hash.update(`${FORMAT} ${FORMAT_VERSION} ${indexingCode()}\n`);
  for (const article of articles) {
    hash.update(JSON.stringify(encodeArticleMeta(article)));
    for (const paragraph of article.paragraphs) {
      hash.update(JSON.stringify([paragraph.number, paragraph.text, paragraph.boilerplate]));
    }
    hash.update('\n');
  }
  return hash.digest('hex');
}

/**
 * Saves an index to `path`, atomically: it is written to a temporary file in
 * the same folder and renamed into place, so a reader sees the old file or
 * the whole new one, never part of one. On failure the temporary file is
 * removed and the promise rejects.
 *
 * @example
 * await saveSnapshot('data/index.snapshot', index, corpusHash(index.articles));
 * @throws when the file cannot be written (missing folder, no permission, disk full).
 */
export async function saveSnapshot(path: string, index: SearchIndex, hash: string): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await pipeline(
      Readable.from(batchLines(encodeIndex(index, hash)), { objectMode: false }),
      createGzip({ level: GZIP_LEVEL }),
      createWriteStream(temporary, { flags: 'wx' }),
    );
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/** Options for {@link loadSnapshot}. */
export interface LoadOptions {
  /** Keep the passages' analyses (see {@link SearchIndex.analyses}), for a build to reuse. Default false. */
  analyses?: boolean;
}

/**
 * Loads an index saved by {@link saveSnapshot}. Returns null, never throws,
 * when there is nothing usable: no file, a damaged or truncated one, or one
 * saved for another corpus hash or format; the caller then builds the index.
 *
 * @example
 * const index = (await loadSnapshot('data/index.snapshot', hash)) ?? buildIndex(articles);
 */
export async function loadSnapshot(
  path: string,
  expectedHash: string,
  options: LoadOptions = {},
): Promise<SearchIndex | null> {
  return readLines(path, (lines) => decodeIndex(lines, expectedHash, options.analyses === true));
}

/**
 * The passages' analyses saved in a snapshot, by their key, for a build to
 * reuse (`buildIndex`'s `reuse`), whatever corpus the snapshot was saved for:
 * an unchanged passage need not be read again. Empty, never throwing, when
 * there are none to use: no file, a damaged one, or one saved by other
 * indexing code (whose analyses may differ). Reads only the file's first part.
 *
 * @example
 * const index = buildIndex(articles, { reuse: await loadAnalyses('data/index.snapshot') });
 */
export async function loadAnalyses(path: string): Promise<Map<string, PassageAnalysis>> {
  return (await readLines(path, decodeAnalyses)) ?? new Map();
}

/** Runs `read` over the lines of a snapshot file; null when it throws or the file cannot be read. */
async function readLines<T>(
  path: string,
  read: (lines: AsyncIterator<string>) => Promise<T | null>,
): Promise<T | null> {
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  try {
    return await read(splitLines(file.pipe(gunzip))[Symbol.asyncIterator]());
  } catch {
    return null;
  } finally {
    // The reading may stop early (another corpus's snapshot): release the file either way.
    file.destroy();
    gunzip.destroy();
  }
}

// --- Writing ---

type ArticleMetaRecord = [
  string,
  string,
  boolean,
  string | null,
  string | null | 0,
  string | null,
  string | null,
];

function encodeArticleMeta(article: ArticleMeta): ArticleMetaRecord {
  return [
    article.id,
    article.title,
    article.titleDerived,
    article.publisher,
    // 0 for an article that has no author field at all, so that it loads back the same.
    article.author === undefined ? 0 : article.author,
    article.published,
    article.url,
  ];
}

/** Every line of the file, in order, each without its newline. */
function* encodeIndex(index: SearchIndex, hash: string): Generator<string> {
  const { index: engineTerms, ...engineMeta } = index.engine.toJSON();
  const analyses = index.analyses ?? [];
  yield JSON.stringify({
    format: FORMAT,
    version: FORMAT_VERSION,
    hash,
    code: indexingCode(),
    articles: index.articles.length,
    passages: index.passages.length,
    analyses: analyses.length,
    analysisLines: Math.ceil(analyses.length / PASSAGE_BATCH),
    vocabulary: index.vocabulary.size,
    words: index.words.size,
    initialisms: index.initialisms.size,
    engineTerms: engineTerms.length,
  });
  const articlePositions = new Map<string, number>();
  for (const [position, article] of index.articles.entries()) {
    articlePositions.set(article.id, position);
    const paragraphs = article.paragraphs.flatMap((p) => [p.number, p.text, p.boilerplate]);
    yield JSON.stringify([...encodeArticleMeta(article), paragraphs]);
  }
  // Passages point at their article and paragraph instead of repeating them;
  // only a part of a long paragraph keeps its own text.
  yield* batches(index.passages, PASSAGE_BATCH, (passage) => [
    articlePositions.get(passage.article.id),
    passage.paragraph,
    passage.part,
    passage.parts,
    passage.parts > 1 ? passage.text : 0,
    passage.terms,
    passage.sentences.flatMap((sentence) => [sentence.end, sentence.kinds]),
  ]);
  // One line per passage batch, as the header counts them; their terms and sentences are the passages'.
  yield* batches(analyses, PASSAGE_BATCH, (analysis) => [
    analysis.key,
    analysis.spellings,
    analysis.capitals,
    analysis.words,
    analysis.names,
  ]);
  // Reversed on reading, like the vocabulary, so that near spellings come in the same order.
  yield* batches(index.words.entries(), 20_000, ([word, term]) => [word, term]);
  yield* batches(index.initialisms.entries(), 20_000, ([initials, names]) => [
    initials,
    names.join('|'),
  ]);
  // A radix tree lists its terms in the reverse of the order that rebuilds it
  // exactly; the reader inserts them backwards, so that fuzzy matches and
  // suggestions come in the same order after loading, ties included.
  // The readable word is left out when it is the term itself, as it mostly is.
  yield* batches(index.vocabulary.entries(), 20_000, ([term, info]) => [
    term,
    info.word === term ? 0 : info.word,
    info.passages,
    info.occurrences,
    info.capitalized,
  ]);
  yield JSON.stringify(engineMeta);
  yield* batches(engineTerms, 5_000, (entry) => [entry]);
  yield JSON.stringify({ end: true });
}

/** Lines of flat JSON arrays, `size` items per line, each item spread by `encode`. */
function* batches<T>(
  items: Iterable<T>,
  size: number,
  encode: (item: T) => unknown[],
): Generator<string> {
  let batch: unknown[] = [];
  let count = 0;
  for (const item of items) {
    for (const value of encode(item)) batch.push(value);
    if (++count === size) {
      yield JSON.stringify(batch);
      batch = [];
      count = 0;
    }
  }
  if (count > 0) yield JSON.stringify(batch);
}

/** Joins lines into chunks of about {@link LINE_CHARS}, so the stream handles few large writes. */
function* batchLines(lines: Iterable<string>): Generator<string> {
  let chunk: string[] = [];
  let chars = 0;
  for (const line of lines) {
    chunk.push(line, '\n');
    chars += line.length + 1;
    if (chars >= LINE_CHARS) {
      yield chunk.join('');
      chunk = [];
      chars = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

// --- Reading ---

/** The file is not a snapshot this code can use; {@link loadSnapshot} turns it into null. */
class UnusableSnapshot extends Error {}

/** Splits a byte stream on newlines; UTF-8 never has a newline byte inside a character. */
async function* splitLines(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  for await (const chunk of source) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      yield (pending.length > 0 ? Buffer.concat([...pending, piece]) : piece).toString('utf8');
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) throw new UnusableSnapshot('the file does not end with a newline');
}

/** Reads the next line as JSON, or (`skip`) without reading it. */
function lineReader(lines: AsyncIterator<string>) {
  const line = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new UnusableSnapshot('the file ends early');
    return next.value;
  };
  return { next: async (): Promise<unknown> => JSON.parse(await line()), skip: line };
}

/** The header, when the file is a snapshot of this format. */
function readHeader(header: unknown): Record<string, unknown> | null {
  const fields = header as Record<string, unknown> | null;
  return fields?.format === FORMAT && fields.version === FORMAT_VERSION ? fields : null;
}

async function decodeIndex(
  lines: AsyncIterator<string>,
  expectedHash: string,
  keepAnalyses: boolean,
): Promise<SearchIndex | null> {
  const { next, skip } = lineReader(lines);
  const header = readHeader(await next());
  if (header?.hash !== expectedHash) return null;
  const articleCount = count(header.articles);
  const articles: Article[] = [];
  const metas: ArticleMeta[] = [];
  for (let i = 0; i < articleCount; i++) {
    const { article, meta } = decodeArticle(await next());
    articles.push(article);
    metas.push(meta);
  }

  const passages: Passage[] = [];
  const passageCount = count(header.passages);
  while (passages.length < passageCount) {
    const batch = flatArray(await next(), PASSAGE_FIELDS);
    for (let i = 0; i < batch.length; i += PASSAGE_FIELDS) {
      passages.push(decodePassage(articles, metas, batch.slice(i, i + PASSAGE_FIELDS)));
    }
  }
  check(passages.length === passageCount, 'passage count');
  const analysisLines = count(header.analysisLines);
  let analyses: PassageAnalysis[] | undefined;
  if (keepAnalyses && count(header.analyses) === passageCount) {
    analyses = [];
    for (let line = 0; line < analysisLines; line++) {
      const batch = flatArray(await next(), ANALYSIS_FIELDS);
      for (let i = 0; i < batch.length; i += ANALYSIS_FIELDS) {
        const passage = passages[analyses.length];
        check(passage !== undefined, 'analysis count');
        analyses.push(decodeAnalysis(batch.slice(i, i + ANALYSIS_FIELDS), passage));
      }
    }
    check(analyses.length === passageCount, 'analysis count');
  } else {
    // Answer workers and shards have no use for them: not even parsed.
    for (let line = 0; line < analysisLines; line++) await skip();
  }

  const wordEntries: Array<[string, string]> = [];
  const wordCount = count(header.words);
  while (wordEntries.length < wordCount) {
    const batch = flatArray(await next(), 2);
    for (let i = 0; i < batch.length; i += 2) {
      const [word, term] = batch.slice(i, i + 2);
      check(typeof word === 'string' && typeof term === 'string', 'word');
      wordEntries.push([word, term]);
    }
  }
  check(wordEntries.length === wordCount, 'word count');
  const words = new SearchableMap<string>();
  for (const [word, term] of wordEntries.reverse()) words.set(word, term);

  const initialisms = new Map<string, ReadonlyArray<string>>();
  const initialismCount = count(header.initialisms);
  while (initialisms.size < initialismCount) {
    const batch = flatArray(await next(), 2);
    for (let i = 0; i < batch.length; i += 2) {
      const [initials, names] = batch.slice(i, i + 2);
      check(typeof initials === 'string' && typeof names === 'string', 'initialism');
      initialisms.set(initials, names.split('|'));
    }
  }
  check(initialisms.size === initialismCount, 'initialism count');

  const vocabularyEntries: Array<[string, TermInfo]> = [];
  const vocabularySize = count(header.vocabulary);
  while (vocabularyEntries.length < vocabularySize) {
    const batch = flatArray(await next(), 5);
    for (let i = 0; i < batch.length; i += 5) {
      const [term, word, passageHits, occurrences, capitalized] = batch.slice(i, i + 5);
      check(typeof term === 'string' && (word === 0 || typeof word === 'string'), 'term');
      vocabularyEntries.push([
        term,
        {
          passages: count(passageHits),
          word: word === 0 ? term : (word as string),
          occurrences: count(occurrences),
          capitalized: count(capitalized),
        },
      ]);
    }
  }
  check(vocabularyEntries.length === vocabularySize, 'vocabulary size');
  const vocabulary = new SearchableMap<TermInfo>();
  for (const [term, info] of vocabularyEntries.reverse()) vocabulary.set(term, info);
  check(vocabulary.size === vocabularySize, 'vocabulary terms');

  const engineMeta = (await next()) as Record<string, unknown>;
  check(typeof engineMeta === 'object' && engineMeta !== null, 'engine');
  check(engineMeta.documentCount === passageCount, 'engine document count');
  const engineTerms: unknown[] = [];
  const engineTermCount = count(header.engineTerms);
  while (engineTerms.length < engineTermCount) {
    for (const entry of flatArray(await next(), 1)) engineTerms.push(entry);
  }
  check(engineTerms.length === engineTermCount, 'engine term count');
  const engine = MiniSearch.loadJS<IndexedPassage>(
    { ...engineMeta, index: engineTerms.reverse() } as Parameters<typeof MiniSearch.loadJS>[0],
    ENGINE_OPTIONS,
  );

  const end = (await next()) as Record<string, unknown>;
  check(end?.end === true, 'end marker');
  check((await lines.next()).done === true, 'nothing after the end marker');
  // Recomputed, not stored: a few words per article, analysed as when the index was built.
  const metaTerms = new Map(metas.map((meta) => [meta.id, new Set(metadataTerms(meta))] as const));
  return {
    articles,
    passages,
    engine,
    vocabulary,
    words,
    metaTerms,
    metaArticles: countMetaArticles(metaTerms),
    initialisms,
    ...(analyses ? { analyses } : {}),
  };
}

/**
 * The analyses of a snapshot saved by this indexing code, by key: the header,
 * the passages' terms and sentences, and the analysis lines; the articles are
 * not parsed, and the rest of the file not read.
 */
async function decodeAnalyses(lines: AsyncIterator<string>): Promise<Map<string, PassageAnalysis>> {
  const { next, skip } = lineReader(lines);
  const header = readHeader(await next());
  const analyses = new Map<string, PassageAnalysis>();
  const passageCount = count(header?.passages ?? 0);
  if (!header || header.code !== indexingCode() || header.analyses !== passageCount) {
    return analyses;
  }
  for (let article = 0; article < count(header.articles); article++) await skip();
  const passages: Array<Pick<Passage, 'terms' | 'sentences'>> = [];
  while (passages.length < passageCount) {
    const batch = flatArray(await next(), PASSAGE_FIELDS);
    for (let i = 0; i < batch.length; i += PASSAGE_FIELDS) {
      const [, , , , , terms, flatSentences] = batch.slice(i, i + PASSAGE_FIELDS);
      check(typeof terms === 'string', 'passage terms');
      passages.push({ terms, sentences: decodeSentences(flatSentences).sentences });
    }
  }
  let position = 0;
  for (let line = 0; line < count(header.analysisLines); line++) {
    const batch = flatArray(await next(), ANALYSIS_FIELDS);
    for (let i = 0; i < batch.length; i += ANALYSIS_FIELDS) {
      const passage = passages[position++];
      check(passage !== undefined, 'analysis count');
      const analysis = decodeAnalysis(batch.slice(i, i + ANALYSIS_FIELDS), passage);
      analyses.set(analysis.key, analysis);
    }
  }
  check(position === passageCount, 'analysis count');
  return analyses;
}

/** Values per passage in a passage batch (see `encodeIndex`). */
const PASSAGE_FIELDS = 7;
/** Values per passage in an analysis batch (see `encodeIndex`). */
const ANALYSIS_FIELDS = 5;

function decodeAnalysis(
  record: unknown[],
  passage: Pick<Passage, 'terms' | 'sentences'>,
): PassageAnalysis {
  const [key, spellings, capitals, words, names] = record;
  check(
    typeof key === 'string' &&
      typeof spellings === 'string' &&
      typeof words === 'string' &&
      typeof names === 'string',
    'analysis',
  );
  const capitalCounts = flatArray(capitals, 2).map(count);
  return {
    key,
    sentences: passage.sentences,
    terms: passage.terms,
    spellings,
    capitals: capitalCounts,
    words,
    names,
  };
}

function decodeSentences(flat: unknown): { sentences: SentenceInfo[]; kinds: number } {
  const values = flatArray(flat, 2);
  const sentences: SentenceInfo[] = [];
  let kinds = 0;
  for (let i = 0; i < values.length; i += 2) {
    const sentence = { end: count(values[i]), kinds: count(values[i + 1]) };
    kinds |= sentence.kinds;
    sentences.push(sentence);
  }
  return { sentences, kinds };
}

function decodeArticle(record: unknown): { article: Article; meta: ArticleMeta } {
  check(Array.isArray(record) && record.length === 8, 'article record');
  const [id, title, titleDerived, publisher, author, published, url, flat] = record as unknown[];
  check(
    typeof id === 'string' &&
      typeof title === 'string' &&
      typeof titleDerived === 'boolean' &&
      isNullableString(publisher) &&
      (author === 0 || isNullableString(author)) &&
      isNullableString(published) &&
      isNullableString(url),
    'article metadata',
  );
  const meta = {
    id,
    title,
    titleDerived,
    publisher,
    ...(author === 0 ? {} : { author }),
    published,
    url,
  } as ArticleMeta;
  const paragraphs: Paragraph[] = [];
  const values = flatArray(flat, 3);
  for (let i = 0; i < values.length; i += 3) {
    const [number, text, boilerplate] = values.slice(i, i + 3);
    check(typeof text === 'string' && isNullableString(boilerplate), 'paragraph');
    paragraphs.push({
      number: count(number),
      text: text as string,
      boilerplate: boilerplate as BoilerplateKind | null,
    });
  }
  return { article: { ...meta, paragraphs }, meta };
}

function decodePassage(articles: Article[], metas: ArticleMeta[], record: unknown[]): Passage {
  const [articlePosition, number, part, parts, ownText, terms, flatSentences] = record;
  const article = articles[count(articlePosition)];
  const meta = metas[count(articlePosition)];
  check(article !== undefined && meta !== undefined, 'passage article');
  // Paragraph N is nearly always at position N - 1; look further only when it is not.
  const atPosition = article.paragraphs[count(number) - 1];
  const paragraph =
    atPosition?.number === number
      ? atPosition
      : article.paragraphs.find((p) => p.number === number);
  check(paragraph !== undefined, 'passage paragraph');
  check(count(part) >= 1 && count(parts) >= count(part), 'passage part');
  check(ownText === 0 || typeof ownText === 'string', 'passage text');
  check(typeof terms === 'string', 'passage terms');
  const { sentences, kinds } = decodeSentences(flatSentences);
  return {
    id:
      count(parts) > 1
        ? `${meta.id}#${paragraph.number}.${part}`
        : `${meta.id}#${paragraph.number}`,
    article: meta,
    paragraph: paragraph.number,
    part: count(part),
    parts: count(parts),
    text: ownText === 0 ? paragraph.text : ownText,
    sentences,
    terms,
    kinds,
  };
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new UnusableSnapshot(`bad ${what}`);
}

function count(value: unknown): number {
  check(Number.isSafeInteger(value) && (value as number) >= 0, 'count');
  return value as number;
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function flatArray(value: unknown, stride: number): unknown[] {
  check(Array.isArray(value) && value.length % stride === 0, 'batch');
  return value as unknown[];
}
