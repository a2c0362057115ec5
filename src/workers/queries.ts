/**
 * What can be asked of a serving index, as plain data that crosses a thread:
 * the answer worker runs {@link runQuery} on its copy of the index, and the
 * in-process engine runs it on the one it holds.
 */
import { type Answer, type AnswerOptions, answer, searchPassages } from '../answer/answer.ts';
import {
  type CompletionOptions,
  completeQuery,
  completeSource,
  findArticle,
} from '../answer/autocomplete.ts';
import { type Article, type ArticleMeta, articleMeta } from '../corpus/types.ts';
import type { SearchIndex } from '../search/build.ts';

/** One question to the serving index. */
export type IndexQuery =
  | { kind: 'answer'; question: string; options: AnswerOptions }
  | { kind: 'search'; query: string; options: AnswerOptions }
  | { kind: 'complete-query'; typed: string; options: CompletionOptions }
  | { kind: 'complete-source'; typed: string; limit: number }
  | { kind: 'find-article'; input: string }
  | { kind: 'article'; id: string };

/** What each kind of {@link IndexQuery} returns. */
export interface IndexQueryResults {
  answer: Answer;
  search: Answer;
  'complete-query': string[];
  'complete-source': ArticleMeta[];
  'find-article': ArticleMeta | null;
  article: Article | null;
}

/** The result of query `Q`. */
export type QueryResult<Q extends IndexQuery> = IndexQueryResults[Q['kind']];

/**
 * Runs a query on an index with the core's functions, returning only plain
 * data (an article's metadata, not the object the index shares).
 *
 * @example
 * runQuery(index, { kind: 'answer', question: 'Who led Ukraine’s delegation?', options: {} }).answered // => true
 */
export function runQuery<Q extends IndexQuery>(index: SearchIndex, query: Q): QueryResult<Q> {
  return dispatch(index, query) as QueryResult<Q>;
}

function dispatch(
  index: SearchIndex,
  query: IndexQuery,
): IndexQueryResults[keyof IndexQueryResults] {
  switch (query.kind) {
    case 'answer':
      return answer(index, query.question, query.options);
    case 'search':
      return searchPassages(index, query.query, query.options);
    case 'complete-query':
      return completeQuery(index, query.typed, query.options);
    case 'complete-source':
      return completeSource(index, query.typed, { limit: query.limit }).map(articleMeta);
    case 'find-article': {
      const found = findArticle(index, query.input);
      return found ? articleMeta(found) : null;
    }
    case 'article':
      return index.articles.find((article) => article.id === query.id) ?? null;
  }
}
