import MiniSearch, { type Options } from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { splitPassages } from '../corpus/split.ts';
import { type Article, type ArticleMeta, articleMeta } from '../corpus/types.ts';
import { analyzeText, type SentenceInfo, type TextAnalysis } from '../text/language.ts';
import { foldText } from '../text/normalize.ts';
import { forEachTerm, toTerm } from '../text/terms.ts';
import {
  analysePassage,
  namesIn,
  type PassageAnalysis,
  passageKey,
  splitList,
} from './analysis.ts';

/** One indexed passage: a paragraph, or a part of a long one. The unit the bot answers with. */
export interface Passage {
  /** Stable id: article id and paragraph number, and the part when there are several (`sotu-1941#8.2`). */
  id: string;
  article: ArticleMeta;
  /** The paragraph it cites, as a reader counts them (see `splitParagraphs`). */
  paragraph: number;
  /** Which part of its paragraph, from 1; a paragraph short enough to read whole is 1 of 1. */
  part: number;
  parts: number;
  text: string;
  /** Where each sentence ends and what kinds of answer it holds (see `language.ts`). */
  sentences: ReadonlyArray<SentenceInfo>;
  /** The passage's index terms, sentence by sentence: terms joined by spaces, sentences by newlines. */
  terms: string;
  /** Bits of every kind of answer its sentences hold. */
  kinds: number;
}

/** What the index knows about one term. */
export interface TermInfo {
  /** How many passages contain it, in their text or their article's metadata. */
  passages: number;
  /** The word as first written ("Zelenskyy"), for suggestions and autocomplete. */
  word: string;
  /** How often it occurs, and how often capitalized: a word mostly capitalized is a name. */
  occurrences: number;
  capitalized: number;
}

/**
 * The searchable form of a corpus. Never changed while anything answers from
 * it, so a reload can build a new one beside it and swap; only the build
 * worker's own copy, which answers nothing, is taken over by the next
 * refresh's update (see `updateIndex`).
 */
export interface SearchIndex {
  articles: ReadonlyArray<Article>;
  /** Passages by MiniSearch document id (their position here), in article and paragraph order. */
  passages: ReadonlyArray<Passage>;
  /** MiniSearch over passage terms and their article's metadata terms. */
  engine: MiniSearch<IndexedPassage>;
  /** Every term of passage text and metadata, with its passage count and a readable form. */
  vocabulary: SearchableMap<TermInfo>;
  /**
   * The words of passage text as written (folded, four letters or more), each
   * with its term: a misspelt question word is matched against these, since
   * the stem of a misspelling is no near spelling of the right word's stem.
   */
  words: SearchableMap<string>;
  /** Each article's metadata terms (see {@link metadataTerms}), by article id. */
  metaTerms: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * For each metadata term, how many articles' metadata hold it (see
   * {@link countMetaArticles}): a term in some titles but not all names particular articles.
   */
  metaArticles: ReadonlyMap<string, number>;
  /**
   * Names by their initials ("fdr" → the terms of "Franklin D. Roosevelt"):
   * every run of two to four capitalised proper nouns in the text, title or author.
   */
  initialisms: ReadonlyMap<string, ReadonlyArray<string>>;
  /**
   * Each passage's analysis, in passage order, for the next build to reuse
   * or update: kept by a built index, and by a loaded one only when asked for
   * (the answer workers do without).
   */
  analyses?: ReadonlyArray<PassageAnalysis>;
}

/** What MiniSearch indexes: the passage position and its terms, already processed. */
export interface IndexedPassage {
  id: number;
  terms: string;
  /** Terms of the article's title, author, publisher and year, shared by all its passages. */
  meta: string;
}

/**
 * MiniSearch options shared by building and loading an index. Text is turned
 * into terms by `src/text` before MiniSearch sees it, so MiniSearch only
 * splits on the spaces between ready terms.
 */
export const ENGINE_OPTIONS: Options<IndexedPassage> = {
  fields: ['terms', 'meta'],
  tokenize: (terms) => terms.split(/[ \n]/),
  processTerm: (term) => term || null,
};

/**
 * The metadata of an article as text to analyse: title (unless derived),
 * author, publisher and year.
 *
 * @example
 * metadataText({ title: 'T', titleDerived: false, author: 'A', publisher: null, published: '2009-01-01' }) // => 'T. A. 2009'
 */
export function metadataText(
  meta: Pick<ArticleMeta, 'title' | 'titleDerived' | 'author' | 'publisher' | 'published'>,
): string {
  return [
    meta.titleDerived ? null : meta.title,
    meta.author,
    meta.publisher,
    meta.published?.slice(0, 4),
  ]
    .filter((part): part is string => Boolean(part))
    .join('. ');
}

/**
 * The terms of an article's metadata (see {@link metadataText}), with the
 * initials of the names in it ("FDR"): what every passage of the article holds
 * besides its own words.
 *
 * @example
 * metadataTerms({ title: 'T', titleDerived: true, author: 'Franklin D. Roosevelt', publisher: null, published: null }) // => ['franklin', 'd', 'rosevelt', 'fdr']
 */
export function metadataTerms(
  meta: Pick<ArticleMeta, 'title' | 'titleDerived' | 'author' | 'publisher' | 'published'>,
): string[] {
  return termsOfMetadata(analyzeText(metadataText(meta)));
}

function termsOfMetadata(analysis: TextAnalysis): string[] {
  const terms: string[] = [];
  forEachTerm(analysis, (term) => terms.push(term));
  for (const name of namesIn(analysis)) terms.push(initialsOf(name));
  return terms;
}

/** Options for {@link buildIndex}. */
export interface BuildOptions {
  /**
   * Analyses of passage texts from an earlier build, by {@link passageKey}:
   * a passage whose text is here is not read again.
   */
  reuse?: ReadonlyMap<string, PassageAnalysis>;
  /** Reads a passage that `reuse` lacks; tests count the calls. Default {@link analysePassage}. */
  analyse?: (text: string) => PassageAnalysis;
}

/**
 * Builds the search index of a corpus. Boilerplate paragraphs are left out; a
 * paragraph too long to read whole is cut into parts that cite its number.
 * Each passage is analysed once here (sentences, lemmas, kinds of answer), or
 * its analysis taken from `options.reuse`; the index keeps the analyses (see
 * {@link SearchIndex.analyses}) for the next build.
 *
 * @example
 * const index = buildIndex((await loadCorpus('seeds')).articles);
 * index.passages.length // => 28 for the seed article
 * const next = buildIndex(changedArticles, { reuse: analysesByKey(index.analyses ?? []) });
 */
export function buildIndex(
  articles: ReadonlyArray<Article>,
  options: BuildOptions = {},
): SearchIndex {
  const engine = new MiniSearch<IndexedPassage>(ENGINE_OPTIONS);
  const passages: Passage[] = [];
  const analyses: PassageAnalysis[] = [];
  const counts = new Map<string, TermInfo>();
  const metaTermsOfArticle = new Map<string, ReadonlySet<string>>();
  const metas: ArticleMeta[] = [];
  for (const article of articles) {
    const meta = articleMeta(article);
    metas.push(meta);
    const metadata = metadataOf(meta);
    metaTermsOfArticle.set(article.id, metadata.terms);
    for (const { passage, analysis } of passagesOf(article, meta, options)) {
      const inPassage = passageTerms(analysis);
      inPassage.terms.forEach((term, i) => {
        const info = countTerm(counts, term, inPassage.spellings[i] as string);
        info.occurrences += inPassage.occurrences[i] ?? 0;
        info.capitalized += inPassage.capitalized[i] ?? 0;
      });
      for (const term of metadata.terms) {
        if (!inPassage.at.has(term)) countTerm(counts, term, metadata.spellings.get(term) ?? term);
      }
      engine.add({ id: passages.length, terms: analysis.terms, meta: metadata.text });
      analyses.push(analysis);
      passages.push(passage);
    }
  }
  const vocabulary = new SearchableMap<TermInfo>();
  for (const [term, info] of counts) vocabulary.set(term, info);
  return {
    articles,
    passages,
    engine,
    vocabulary,
    words: writtenWords(analyses),
    metaTerms: metaTermsOfArticle,
    metaArticles: countMetaArticles(metaTermsOfArticle),
    initialisms: initialismsOf(metas, passages, analyses),
    analyses,
  };
}

/** What every passage of an article holds of its metadata (see {@link metadataOf}). */
export interface Metadata {
  /** The terms, once each, in the order met. */
  terms: ReadonlySet<string>;
  /** The terms as MiniSearch indexes them for each passage (see {@link IndexedPassage.meta}). */
  text: string;
  /** Each term as last written in the metadata. */
  spellings: ReadonlyMap<string, string>;
  /** The names in the metadata, as their words (see `namesIn`). */
  names: ReadonlyArray<ReadonlyArray<string>>;
}

/** Metadata already analysed, by the article metadata object its passages share. */
const metadataCache = new WeakMap<ArticleMeta, Metadata>();

/**
 * An article's metadata as the index takes it, analysed once per metadata
 * object: an index updated in place reads it for the articles it keeps.
 *
 * @example
 * metadataOf({ id: 'a', title: 'T', titleDerived: true, author: 'Franklin D. Roosevelt', publisher: null, published: null, url: null }).text // => 'franklin d rosevelt fdr'
 */
export function metadataOf(meta: ArticleMeta): Metadata {
  const cached = metadataCache.get(meta);
  if (cached) return cached;
  const analysis = analyzeText(metadataText(meta));
  const terms = termsOfMetadata(analysis);
  const spellings = new Map<string, string>();
  forEachTerm(analysis, (term, token) => spellings.set(term, token.value));
  const metadata = {
    terms: new Set(terms),
    text: terms.join(' '),
    spellings,
    names: namesIn(analysis),
  };
  metadataCache.set(meta, metadata);
  return metadata;
}

/** A passage of an article, with the analysis it was made from. */
export interface AnalysedPassage {
  passage: Passage;
  analysis: PassageAnalysis;
}

/**
 * The passages of an article in paragraph order (boilerplate left out, long
 * paragraphs cut into parts), each analysed or its analysis reused as
 * `options` says; every passage shares `meta`.
 *
 * @example
 * passagesOf(article, articleMeta(article), {}).length // => its content passages
 */
export function passagesOf(
  article: Article,
  meta: ArticleMeta,
  options: BuildOptions,
): AnalysedPassage[] {
  const analyse = options.analyse ?? analysePassage;
  const made: AnalysedPassage[] = [];
  for (const paragraph of article.paragraphs) {
    if (paragraph.boilerplate) continue;
    const parts = splitPassages(paragraph.text);
    parts.forEach((text, i) => {
      const analysis = options.reuse?.get(passageKey(text)) ?? analyse(text);
      made.push({
        analysis,
        passage: {
          id:
            parts.length > 1
              ? `${article.id}#${paragraph.number}.${i + 1}`
              : `${article.id}#${paragraph.number}`,
          article: meta,
          paragraph: paragraph.number,
          part: i + 1,
          parts: parts.length,
          text,
          sentences: analysis.sentences,
          terms: analysis.terms,
          kinds: analysis.sentences.reduce((all, sentence) => all | sentence.kinds, 0),
        },
      });
    });
  }
  return made;
}

/** The distinct terms of a passage's text (see {@link passageTerms}). */
export interface PassageTerms {
  /** In the order first met. */
  terms: string[];
  /** Each term's position in {@link terms}. */
  at: Map<string, number>;
  /** As first written, or the term itself. */
  spellings: string[];
  occurrences: number[];
  /** How many of its occurrences start with a capital. */
  capitalized: number[];
}

/**
 * The distinct terms of a passage's text, each with its first spelling and counts.
 *
 * @example
 * passageTerms(analysePassage('Talks, talks.')).occurrences // => [2]
 */
export function passageTerms(analysis: PassageAnalysis): PassageTerms {
  const found: PassageTerms = {
    terms: [],
    at: new Map(),
    spellings: [],
    occurrences: [],
    capitalized: [],
  };
  const spellings = analysis.spellings.split(' ');
  for (const term of analysis.terms.split(TERM_SEPARATOR)) {
    if (term === '') continue;
    const at = found.at.get(term);
    if (at !== undefined) {
      found.occurrences[at] = (found.occurrences[at] ?? 0) + 1;
      continue;
    }
    found.at.set(term, found.terms.length);
    found.spellings.push(spellings[found.terms.length] || term);
    found.terms.push(term);
    found.occurrences.push(1);
    found.capitalized.push(0);
  }
  const { capitals } = analysis;
  for (let c = 0; c + 1 < capitals.length; c += 2) {
    const at = capitals[c] ?? -1;
    if (at >= 0 && at < found.terms.length) {
      found.capitalized[at] = (found.capitalized[at] ?? 0) + (capitals[c + 1] ?? 0);
    }
  }
  return found;
}

/**
 * The words of passage text as written (see {@link SearchIndex.words}), from
 * the passages' analyses in passage order: a word keeps the term it was first
 * met with, unless it is met again written otherwise ("café" for "cafe").
 *
 * @example
 * writtenWords([analysePassage('Talks lasted hours.')]).get('talks') // => 'talk'
 */
export function writtenWords(analyses: ReadonlyArray<PassageAnalysis>): SearchableMap<string> {
  const words = new SearchableMap<string>();
  // The keys of `words`, asked once per word of the corpus: a Set answers faster than the tree.
  const wordKeys = new Set<string>();
  for (const analysis of analyses) {
    const written = splitList(analysis.words, ' ');
    for (let w = 0; w + 1 < written.length; w += 2) {
      const normal = written[w] as string;
      if (wordKeys.has(normal)) continue;
      const folded = foldText(normal);
      words.set(folded, written[w + 1] as string);
      wordKeys.add(folded);
    }
  }
  return words;
}

/**
 * Names by their initials (see {@link SearchIndex.initialisms}): each
 * article's metadata names, then its passages' names, in corpus order.
 * `passages` and `analyses` are in article order, as an index holds them.
 *
 * @example
 * initialismsOf(index.articles.map(articleMeta), index.passages, index.analyses ?? []).get('fdr')
 */
export function initialismsOf(
  metas: ReadonlyArray<ArticleMeta>,
  passages: ReadonlyArray<Passage>,
  analyses: ReadonlyArray<PassageAnalysis>,
): Map<string, string[]> {
  const initialisms = new Map<string, string[]>();
  let next = 0;
  for (const meta of metas) {
    for (const name of metadataOf(meta).names) addInitialism(initialisms, name);
    for (; next < passages.length && passages[next]?.article.id === meta.id; next++) {
      for (const name of splitList(analyses[next]?.names ?? '', '\n')) {
        addInitialism(initialisms, name.split(' '));
      }
    }
  }
  return initialisms;
}

/**
 * The distinct passage texts of a corpus that `reuse` holds no analysis for,
 * in corpus order: what a build has to read.
 *
 * @example
 * textsToAnalyse(articles, new Map()).length // => the number of distinct passage texts
 */
export function textsToAnalyse(
  articles: ReadonlyArray<Article>,
  reuse: ReadonlyMap<string, PassageAnalysis>,
): string[] {
  const keys = new Set<string>();
  const texts: string[] = [];
  for (const article of articles) {
    for (const paragraph of article.paragraphs) {
      if (paragraph.boilerplate) continue;
      for (const text of splitPassages(paragraph.text)) {
        const key = passageKey(text);
        if (reuse.has(key) || keys.has(key)) continue;
        keys.add(key);
        texts.push(text);
      }
    }
  }
  return texts;
}

/** What separates the terms of {@link PassageAnalysis.terms}: spaces, and newlines between sentences. */
const TERM_SEPARATOR = /[ \n]/;

/**
 * How many articles' metadata hold each metadata term: read once per index,
 * so that a question word can tell at once whether it names particular
 * articles (an author, a year) rather than what every title shares.
 *
 * @example
 * countMetaArticles(new Map([['a', new Set(['obama', '2009'])], ['b', new Set(['bush', '2009'])]])).get('2009') // => 2
 */
export function countMetaArticles(
  metaTerms: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const terms of metaTerms.values()) {
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * Analyses by their key, for {@link BuildOptions.reuse}.
 *
 * @example
 * buildIndex(articles, { reuse: analysesByKey(previous.analyses ?? []) });
 */
export function analysesByKey(
  analyses: ReadonlyArray<PassageAnalysis>,
): Map<string, PassageAnalysis> {
  return new Map(analyses.map((analysis) => [analysis.key, analysis]));
}

/** Where terms are counted: a map while building, the vocabulary's tree while updating. */
export interface TermCounts {
  get(term: string): TermInfo | undefined;
  set(term: string, info: TermInfo): unknown;
}

/**
 * Counts a passage for `term`, recording the term with its spelling when it is new.
 *
 * @example
 * countTerm(counts, 'ukrain', 'Ukraine’s').passages // => 1 the first time
 */
export function countTerm(counts: TermCounts, term: string, spelling: string): TermInfo {
  let info = counts.get(term);
  if (!info) {
    info = { passages: 0, word: readableWord(spelling), occurrences: 0, capitalized: 0 };
    counts.set(term, info);
  }
  info.passages += 1;
  return info;
}

/**
 * A term's readable form from its spelling: without a possessive's "'s".
 *
 * @example
 * readableWord('Ukraine’s') // => 'Ukraine'
 */
export function readableWord(spelling: string): string {
  return spelling.replace(/['’]s$/, '');
}

/**
 * The initials of a name, folded: "Franklin D. Roosevelt" → "fdr".
 *
 * @example
 * initialsOf(['Lyndon', 'B.', 'Johnson']) // => 'lbj'
 */
export function initialsOf(name: ReadonlyArray<string>): string {
  return name.map((word) => word.charAt(0).toLowerCase()).join('');
}

/** Records a name under its initials, as the terms of its words. */
function addInitialism(initialisms: Map<string, string[]>, name: ReadonlyArray<string>): void {
  const key = initialsOf(name);
  const terms = name.filter((word) => word.replace(/\./g, '').length > 1).map(toTerm);
  if (terms.length === 0) return;
  const expansion = terms.join(' ');
  const known = initialisms.get(key);
  if (!known) initialisms.set(key, [expansion]);
  else if (!known.includes(expansion) && known.length < MAX_NAMES_PER_INITIALISM)
    known.push(expansion);
}

/** Initials shared by more names than this say too little to expand to any of them. */
const MAX_NAMES_PER_INITIALISM = 8;
