import type SearchableMap from 'minisearch/SearchableMap';
import { type Article, type ArticleMeta, articleMeta } from '../corpus/types.ts';
import type { PassageAnalysis } from './analysis.ts';
import {
  type BuildOptions,
  countMetaArticles,
  countTerm,
  ENGINE_OPTIONS,
  initialismsOf,
  type Metadata,
  metadataOf,
  type Passage,
  passagesOf,
  passageTerms,
  readableWord,
  type SearchIndex,
  type TermInfo,
  writtenWords,
} from './build.ts';

/**
 * What of MiniSearch's index an update rewrites: which passage position each
 * of its documents is, and the average field lengths BM25 reads. Protected in
 * MiniSearch 7 (there for subclasses), as `score.ts` reads them;
 * `test/update-index.test.ts` compares every score with a fresh build's.
 */
interface EngineInternals {
  _index: SearchableMap<Map<number, Map<number, number>>>;
  _documentCount: number;
  _documentIds: Map<number, number>;
  _idToShortId: Map<number, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
}

/** Which articles differ between two corpora, by id (see {@link articleChanges}). */
export interface ArticleChanges {
  added: Article[];
  removed: Article[];
  /** The new versions of articles whose metadata or paragraphs changed. */
  changed: Article[];
}

/**
 * The articles added, removed and changed from `before` to `after`: an
 * article changed when its metadata or any paragraph (number, text, kind) did.
 *
 * @example
 * articleChanges([a], [a, b]).added // => [b]
 */
export function articleChanges(
  before: ReadonlyArray<Article>,
  after: ReadonlyArray<Article>,
): ArticleChanges {
  const old = new Map(before.map((article) => [article.id, article]));
  const now = new Set(after.map((article) => article.id));
  const changes: ArticleChanges = { added: [], removed: [], changed: [] };
  for (const article of after) {
    const previous = old.get(article.id);
    if (!previous) changes.added.push(article);
    else if (!sameArticle(previous, article)) changes.changed.push(article);
  }
  changes.removed = before.filter((article) => !now.has(article.id));
  return changes;
}

/**
 * Whether two versions of an article index the same: same metadata, same paragraphs.
 *
 * @example
 * sameArticle(article, structuredClone(article)) // => true
 */
export function sameArticle(a: Article, b: Article): boolean {
  if (
    a.id !== b.id ||
    a.title !== b.title ||
    a.titleDerived !== b.titleDerived ||
    a.publisher !== b.publisher ||
    a.author !== b.author ||
    a.published !== b.published ||
    a.url !== b.url ||
    a.paragraphs.length !== b.paragraphs.length
  ) {
    return false;
  }
  return a.paragraphs.every((paragraph, i) => {
    const other = b.paragraphs[i];
    return (
      other !== undefined &&
      paragraph.number === other.number &&
      paragraph.text === other.text &&
      paragraph.boilerplate === other.boilerplate
    );
  });
}

/**
 * Taking a passage out costs about what putting it in does: when more
 * passages would be taken out and put in than the index holds, a fresh build
 * is quicker.
 */
const MAX_CHANGED_SHARE = 1;

/**
 * The index of `articles`, made from `previous` by changing only the passages
 * of the articles added, removed or changed since (see {@link articleChanges}),
 * instead of building it again: what a refresh costs then follows what
 * changed, not the corpus's size. It answers as {@link buildIndex} of the same
 * articles would: the same passages at the same positions, the same
 * MiniSearch postings, document count and field lengths (the average replayed
 * in passage order, so every BM25 score is the same to the last bit), the same
 * vocabulary (counts, and each term's readable word from its first passage),
 * written words, initialisms and metadata terms. What may differ is the order
 * in which equal things are listed: MiniSearch lists postings, so passages of
 * equal score, by when they were added, and the vocabulary's tree by when its
 * terms were; a fresh build adds both in passage order.
 *
 * `previous` is taken over: its MiniSearch engine and vocabulary are changed
 * in place and belong to the result, so it must not be used again (nor
 * serve), even when this throws. Needs `previous.analyses`. Returns null, with
 * `previous` untouched, when so much changed that {@link buildIndex} is the
 * better way.
 *
 * @example
 * const next = updateIndex(built, edited, { reuse: analysesByKey(built.analyses ?? []) }) ?? buildIndex(edited);
 */
export function updateIndex(
  previous: SearchIndex,
  articles: ReadonlyArray<Article>,
  options: BuildOptions = {},
): SearchIndex | null {
  const analyses = previous.analyses;
  if (!analyses || analyses.length !== previous.passages.length) {
    throw new Error('An index is updated only with its analyses.');
  }
  const changes = articleChanges(previous.articles, articles);
  const outgoing = new Set([...changes.removed, ...changes.changed].map((article) => article.id));
  const incoming = new Set([...changes.added, ...changes.changed].map((article) => article.id));
  if (outgoing.size === 0 && incoming.size === 0) return previous;
  const oldRanges = passageRanges(previous.passages);
  const removedCount = [...outgoing].reduce((sum, id) => sum + (oldRanges.get(id)?.count ?? 0), 0);
  const addedEstimate = [...changes.added, ...changes.changed].reduce(
    (sum, article) => sum + article.paragraphs.length,
    0,
  );
  if (removedCount + addedEstimate > previous.passages.length * MAX_CHANGED_SHARE) return null;

  const engine = previous.engine;
  const internals = engine as unknown as EngineInternals;
  // Taken out as it was put in: metadata is analysed again here, so check it still gives those terms.
  for (const id of outgoing) {
    const range = oldRanges.get(id);
    const passage = range ? previous.passages[range.start] : undefined;
    if (passage && !indexedWith(internals, range?.start ?? -1, metadataOf(passage.article).text)) {
      return null;
    }
  }
  const vocabulary = previous.vocabulary as SearchableMap<TermInfo>;
  /** Terms whose passages changed: their readable word may come from another passage now. */
  const touched = new Set<string>();

  // Out: every passage of a removed or changed article, from the engine and the counts.
  for (const id of outgoing) {
    const range = oldRanges.get(id);
    if (!range) continue;
    for (let position = range.start; position < range.start + range.count; position++) {
      const passage = previous.passages[position] as Passage;
      const analysis = analyses[position] as PassageAnalysis;
      const metadata = metadataOf(passage.article);
      engine.remove({ id: position, terms: passage.terms, meta: metadata.text });
      uncount(vocabulary, analysis, metadata.terms, touched);
    }
  }

  // In: the passages of added and changed articles, under ids no kept passage has.
  const incomingPassages = new Map<
    string,
    { meta: ArticleMeta; passages: Passage[]; analyses: PassageAnalysis[] }
  >();
  const shortIdOfNew = new Map<Passage, number>();
  let temporary = -1;
  for (const article of articles) {
    if (!incoming.has(article.id)) continue;
    const meta = articleMeta(article);
    const metadata = metadataOf(meta);
    const made = { meta, passages: [] as Passage[], analyses: [] as PassageAnalysis[] };
    for (const { passage, analysis } of passagesOf(article, meta, options)) {
      engine.add({ id: temporary, terms: analysis.terms, meta: metadata.text });
      shortIdOfNew.set(passage, internals._idToShortId.get(temporary) as number);
      temporary -= 1;
      count(vocabulary, analysis, metadata, touched);
      made.passages.push(passage);
      made.analyses.push(analysis);
    }
    incomingPassages.set(article.id, made);
  }

  // The passages in article order, as a fresh build numbers them; kept articles keep their objects.
  const keptArticles = new Map(previous.articles.map((article) => [article.id, article]));
  const nextArticles: Article[] = [];
  const passages: Passage[] = [];
  const nextAnalyses: PassageAnalysis[] = [];
  const shortIds: number[] = [];
  const metas: ArticleMeta[] = [];
  const metaTerms = new Map<string, ReadonlySet<string>>();
  /** Passages before this position are the same, in the same place, before and after. */
  let unchangedPrefix = Number.POSITIVE_INFINITY;
  for (const id of outgoing) {
    unchangedPrefix = Math.min(unchangedPrefix, oldRanges.get(id)?.start ?? unchangedPrefix);
  }
  for (const article of articles) {
    const made = incomingPassages.get(article.id);
    if (made) {
      unchangedPrefix = Math.min(unchangedPrefix, passages.length);
      nextArticles.push(article);
      metas.push(made.meta);
      metaTerms.set(article.id, metadataOf(made.meta).terms);
      made.passages.forEach((passage, i) => {
        passages.push(passage);
        nextAnalyses.push(made.analyses[i] as PassageAnalysis);
        shortIds.push(shortIdOfNew.get(passage) as number);
      });
      continue;
    }
    const kept = keptArticles.get(article.id) as Article;
    nextArticles.push(kept);
    const range = oldRanges.get(article.id);
    const meta = range ? (previous.passages[range.start] as Passage).article : articleMeta(kept);
    metas.push(meta);
    metaTerms.set(article.id, previous.metaTerms.get(article.id) ?? metadataOf(meta).terms);
    if (!range) continue;
    for (let position = range.start; position < range.start + range.count; position++) {
      passages.push(previous.passages[position] as Passage);
      nextAnalyses.push(analyses[position] as PassageAnalysis);
      shortIds.push(internals._idToShortId.get(position) as number);
    }
  }
  renumber(internals, shortIds);
  if (engine.documentCount !== passages.length) {
    throw new Error('The updated index lost count of its passages.');
  }
  fixReadableWords(internals, vocabulary, touched, unchangedPrefix, passages, nextAnalyses);
  return {
    articles: nextArticles,
    passages,
    engine,
    vocabulary,
    words: writtenWords(nextAnalyses),
    metaTerms,
    metaArticles: countMetaArticles(metaTerms),
    initialisms: initialismsOf(metas, passages, nextAnalyses),
    analyses: nextAnalyses,
  };
}

/**
 * Whether the engine's document at passage `position` holds exactly these
 * metadata terms, each as often: what `remove` needs to take it out whole.
 * wink-nlp's tokenizer learns as it reads, so metadata analysed again in
 * another thread than the one that built the index could differ.
 */
function indexedWith(internals: EngineInternals, position: number, meta: string): boolean {
  const shortId = internals._idToShortId.get(position);
  if (shortId === undefined) return false;
  const tokens = ENGINE_OPTIONS.tokenize?.(meta, META_FIELD) ?? [];
  if (internals._fieldLength.get(shortId)?.[META_FIELD_ID] !== new Set(tokens).size) return false;
  const counts = new Map<string, number>();
  for (const term of tokens) if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term, count] of counts) {
    if (internals._index.get(term)?.get(META_FIELD_ID)?.get(shortId) !== count) return false;
  }
  return true;
}

/** The metadata field, and its number in MiniSearch (its place in `ENGINE_OPTIONS.fields`). */
const META_FIELD = 'meta';
const META_FIELD_ID = ENGINE_OPTIONS.fields.indexOf(META_FIELD);

/** Where each article's passages are in an index: they are contiguous, in article order. */
function passageRanges(
  passages: ReadonlyArray<Passage>,
): Map<string, { start: number; count: number }> {
  const ranges = new Map<string, { start: number; count: number }>();
  passages.forEach((passage, position) => {
    const range = ranges.get(passage.article.id);
    if (range) range.count += 1;
    else ranges.set(passage.article.id, { start: position, count: 1 });
  });
  return ranges;
}

/** Takes a passage out of the vocabulary's counts, as {@link buildIndex} counted it in. */
function uncount(
  vocabulary: SearchableMap<TermInfo>,
  analysis: PassageAnalysis,
  metaTerms: ReadonlySet<string>,
  touched: Set<string>,
): void {
  const inPassage = passageTerms(analysis);
  const drop = (term: string, occurrences: number, capitalized: number) => {
    const info = vocabulary.get(term);
    if (!info) throw new Error(`The vocabulary has no "${term}" to take out.`);
    info.passages -= 1;
    info.occurrences -= occurrences;
    info.capitalized -= capitalized;
    if (info.passages === 0) vocabulary.delete(term);
    touched.add(term);
  };
  inPassage.terms.forEach((term, i) => {
    drop(term, inPassage.occurrences[i] ?? 0, inPassage.capitalized[i] ?? 0);
  });
  for (const term of metaTerms) if (!inPassage.at.has(term)) drop(term, 0, 0);
}

/** Counts a passage into the vocabulary, as {@link buildIndex} does. */
function count(
  vocabulary: SearchableMap<TermInfo>,
  analysis: PassageAnalysis,
  metadata: Metadata,
  touched: Set<string>,
): void {
  const inPassage = passageTerms(analysis);
  inPassage.terms.forEach((term, i) => {
    const info = countTerm(vocabulary, term, inPassage.spellings[i] as string);
    info.occurrences += inPassage.occurrences[i] ?? 0;
    info.capitalized += inPassage.capitalized[i] ?? 0;
    touched.add(term);
  });
  for (const term of metadata.terms) {
    if (inPassage.at.has(term)) continue;
    countTerm(vocabulary, term, metadata.spellings.get(term) ?? term);
    touched.add(term);
  }
}

/**
 * Gives the engine's documents the positions of their passages (`shortIds`,
 * in passage order), and replays the average field lengths in that order, as
 * MiniSearch computes them while adding: a fresh build's averages to the bit.
 */
function renumber(internals: EngineInternals, shortIds: ReadonlyArray<number>): void {
  const documentIds = new Map<number, number>();
  const idToShortId = new Map<number, number>();
  const averages: number[] = [];
  shortIds.forEach((shortId, position) => {
    documentIds.set(shortId, position);
    idToShortId.set(position, shortId);
    const lengths = internals._fieldLength.get(shortId) ?? [];
    lengths.forEach((length, field) => {
      averages[field] = ((averages[field] || 0) * position + length) / (position + 1);
    });
  });
  internals._documentIds = documentIds;
  internals._idToShortId = idToShortId;
  internals._avgFieldLength = averages;
}

/**
 * Sets the readable word of each term whose passages changed to the spelling
 * in its first passage, as a fresh build records it (see `countTerm`): the
 * passage's own text when it holds the term, else its article's metadata. A
 * term held by a passage before the first change keeps its word.
 */
function fixReadableWords(
  internals: EngineInternals,
  vocabulary: SearchableMap<TermInfo>,
  touched: ReadonlySet<string>,
  unchangedPrefix: number,
  passages: ReadonlyArray<Passage>,
  analyses: ReadonlyArray<PassageAnalysis>,
): void {
  for (const term of touched) {
    const info = vocabulary.get(term);
    const fields = internals._index.get(term);
    if (!info || !fields) continue;
    let first = Number.POSITIVE_INFINITY;
    search: for (const postings of fields.values()) {
      for (const shortId of postings.keys()) {
        const position = internals._documentIds.get(shortId) ?? Number.POSITIVE_INFINITY;
        if (position < unchangedPrefix) {
          first = -1;
          break search;
        }
        first = Math.min(first, position);
      }
    }
    if (first < 0 || first === Number.POSITIVE_INFINITY) continue;
    const inText = passageTerms(analyses[first] as PassageAnalysis);
    const at = inText.at.get(term);
    const spelling =
      at !== undefined
        ? (inText.spellings[at] as string)
        : (metadataOf((passages[first] as Passage).article).spellings.get(term) ?? term);
    info.word = readableWord(spelling);
  }
}
