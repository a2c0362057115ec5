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
 * The searchable form of a corpus. Built once per load and never changed,
 * so a reload can build a new one beside it and swap.
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
   * Each passage's analysis, in passage order, for the next build to reuse:
   * kept by a built index until its snapshot is saved, and by a loaded one
   * only when asked for (the answer workers do without).
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
  const analyse = options.analyse ?? analysePassage;
  const engine = new MiniSearch<IndexedPassage>(ENGINE_OPTIONS);
  const passages: Passage[] = [];
  const analyses: PassageAnalysis[] = [];
  const counts = new Map<string, TermInfo>();
  const initialisms = new Map<string, string[]>();
  const words = new SearchableMap<string>();
  // The keys of `words`, asked once per word of the corpus: a Set answers faster than the tree.
  const wordKeys = new Set<string>();
  const metaTermsOfArticle = new Map<string, ReadonlySet<string>>();
  for (const article of articles) {
    const meta = articleMeta(article);
    const metaAnalysis = analyzeText(metadataText(meta));
    const metaTerms = termsOfMetadata(metaAnalysis);
    metaTermsOfArticle.set(article.id, new Set(metaTerms));
    const metaSpellings = new Map<string, string>();
    forEachTerm(metaAnalysis, (term, token) => metaSpellings.set(term, token.value));
    for (const name of namesIn(metaAnalysis)) addInitialism(initialisms, name);
    const metaText = metaTerms.join(' ');
    for (const paragraph of article.paragraphs) {
      if (paragraph.boilerplate) continue;
      const parts = splitPassages(paragraph.text);
      parts.forEach((text, i) => {
        const analysis = options.reuse?.get(passageKey(text)) ?? analyse(text);
        // Each distinct term of the passage, in the order first met, and its count.
        const inPassage = new Map<string, TermInfo>();
        const distinct: TermInfo[] = [];
        const spellings = analysis.spellings.split(' ');
        for (const term of analysis.terms.split(TERM_SEPARATOR)) {
          if (term === '') continue;
          let info = inPassage.get(term);
          if (!info) {
            info = countTerm(counts, term, spellings[distinct.length] || term);
            inPassage.set(term, info);
            distinct.push(info);
          }
          info.occurrences += 1;
        }
        const { capitals } = analysis;
        for (let c = 0; c + 1 < capitals.length; c += 2) {
          const info = distinct[capitals[c] ?? -1];
          if (info) info.capitalized += capitals[c + 1] ?? 0;
        }
        const written = splitList(analysis.words, ' ');
        for (let w = 0; w + 1 < written.length; w += 2) {
          const normal = written[w] as string;
          if (wordKeys.has(normal)) continue;
          const folded = foldText(normal);
          words.set(folded, written[w + 1] as string);
          wordKeys.add(folded);
        }
        for (const term of metaTerms) {
          if (inPassage.has(term)) continue;
          inPassage.set(term, countTerm(counts, term, metaSpellings.get(term) ?? term));
        }
        for (const name of splitList(analysis.names, '\n')) {
          addInitialism(initialisms, name.split(' '));
        }
        engine.add({ id: passages.length, terms: analysis.terms, meta: metaText });
        analyses.push(analysis);
        passages.push({
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
        });
      });
    }
  }
  const vocabulary = new SearchableMap<TermInfo>();
  for (const [term, info] of counts) vocabulary.set(term, info);
  return {
    articles,
    passages,
    engine,
    vocabulary,
    words,
    metaTerms: metaTermsOfArticle,
    metaArticles: countMetaArticles(metaTermsOfArticle),
    initialisms,
    analyses,
  };
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

/** Counts a passage for `term`, recording the term with its spelling when it is new. */
function countTerm(counts: Map<string, TermInfo>, term: string, spelling: string): TermInfo {
  let info = counts.get(term);
  if (!info) {
    info = { passages: 0, word: spelling.replace(/['’]s$/, ''), occurrences: 0, capitalized: 0 };
    counts.set(term, info);
  }
  info.passages += 1;
  return info;
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
function addInitialism(initialisms: Map<string, string[]>, name: string[]): void {
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
