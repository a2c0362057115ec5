import MiniSearch, { type Options } from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { type Article, type ArticleMeta, articleMeta } from '../corpus/types.ts';
import { forEachTerm, indexTerms } from '../text/terms.ts';
import { contextTerms } from './names.ts';

/** One indexed paragraph: the unit the bot answers with. */
export interface Passage {
  /** Stable id: article id and paragraph number, e.g. `000_54ae5372d3de91ff#6`. */
  id: string;
  article: ArticleMeta;
  paragraph: number;
  text: string;
}

/** What the index knows about one term. */
export interface TermInfo {
  /** How many passages contain it. */
  passages: number;
  /** The word as first written in the text ("Zelenskyy"), for suggestions and autocomplete. */
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
  /** Passages by MiniSearch document id (their position here). */
  passages: ReadonlyArray<Passage>;
  /** MiniSearch over passage text; documents are passage positions. */
  engine: MiniSearch<IndexedPassage>;
  /** Every term of passage text, with its passage count and a readable form. */
  vocabulary: SearchableMap<TermInfo>;
  /** Terms of each article's title and publisher, which make its passages more relevant. */
  articleTerms: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What MiniSearch indexes: the passage position and its terms, already processed. */
export interface IndexedPassage {
  id: number;
  terms: string;
  /** Names the passage refers to without spelling them out (see `names.ts`). */
  context: string;
  /** Names of the paragraph two before, which it may still refer to. */
  earlier: string;
}

/**
 * MiniSearch options shared by building and loading an index. Text is turned
 * into terms by `src/text` before MiniSearch sees it, so MiniSearch only
 * splits on the spaces between ready terms.
 */
export const ENGINE_OPTIONS: Options<IndexedPassage> = {
  fields: ['terms', 'context', 'earlier'],
  tokenize: (terms) => terms.split(' '),
  processTerm: (term) => term || null,
};

/**
 * Builds the search index of a corpus. Boilerplate paragraphs are left out.
 *
 * @example
 * const index = buildIndex((await loadCorpus('seeds')).articles);
 * index.passages.length // => 28 for the seed article
 */
export function buildIndex(articles: ReadonlyArray<Article>): SearchIndex {
  const engine = new MiniSearch<IndexedPassage>(ENGINE_OPTIONS);
  const passages: Passage[] = [];
  // Counted in a plain Map (the hot path), moved into the searchable tree once at the end.
  const counts = new Map<string, TermInfo>();
  const articleTerms = new Map<string, ReadonlySet<string>>();
  for (const article of articles) {
    const meta = articleMeta(article);
    const headerText = `${article.titleDerived ? '' : article.title} ${article.publisher ?? ''}`;
    articleTerms.set(article.id, new Set(indexTerms(headerText)));
    const content = article.paragraphs.filter((paragraph) => !paragraph.boilerplate);
    const context = contextTerms(content.map((paragraph) => paragraph.text));
    content.forEach((paragraph, i) => {
      const terms: string[] = [];
      const seen = new Set<string>();
      forEachTerm(paragraph.text, (term, spelling, capitalized) => {
        terms.push(term);
        let info = counts.get(term);
        if (!info) {
          info = { passages: 0, word: spelling, occurrences: 0, capitalized: 0 };
          counts.set(term, info);
        }
        info.occurrences += 1;
        if (capitalized) info.capitalized += 1;
        if (!seen.has(term)) {
          seen.add(term);
          info.passages += 1;
        }
      });
      engine.add({
        id: passages.length,
        terms: terms.join(' '),
        context: context[i]?.near.join(' ') ?? '',
        earlier: context[i]?.earlier.join(' ') ?? '',
      });
      passages.push({
        id: `${article.id}#${paragraph.number}`,
        article: meta,
        paragraph: paragraph.number,
        text: paragraph.text,
      });
    });
  }
  const vocabulary = new SearchableMap<TermInfo>();
  for (const [term, info] of counts) vocabulary.set(term, info);
  return { articles, passages, engine, vocabulary, articleTerms };
}
