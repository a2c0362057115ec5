/**
 * Suggestions while someone types a question or picks an article: completions
 * of the word being typed from the index vocabulary, and article titles that
 * match. Everything is precomputed once per index and kept in memory, so a
 * suggestion costs a binary search, well under a millisecond.
 */
import type { ArticleMeta } from '../corpus/types.ts';
import type { SearchIndex } from '../search/build.ts';
import { cleanInput, foldText } from '../text/normalize.ts';
import { isStopWord } from '../text/stopwords.ts';
import { tokenize } from '../text/tokenize.ts';
import { trimEndWhere } from '../text/trim.ts';

/** Options for {@link completeQuery} and {@link completeSource}. */
export interface CompletionOptions {
  /** Most suggestions returned. Default 25 (Discord's limit). */
  limit?: number;
  /** Longest suggestion, in code points; longer ones are left out or cut at a word. Default 100. */
  maxLength?: number;
}

/** A word that can complete what is being typed. */
interface Completion {
  /** Folded form, for prefix matching. */
  key: string;
  /** How it is shown: its most frequent spelling in the articles. */
  display: string;
  /** Passages containing it; more is a better suggestion. */
  weight: number;
}

interface Completer {
  /** Sorted by key, for binary search. */
  words: Completion[];
  /** Names (capitalized words) by weight, offered before anything is typed. */
  names: string[];
  titles: Array<{ article: ArticleMeta; folded: string; words: string[] }>;
}

const DEFAULTS = { limit: 25, maxLength: 100 };
/** Capitalized words shorter than this ("Mr", "UN") are not offered as topics on their own. */
const MIN_NAME_LENGTH = 3;
/** A character of the word being typed: letters, digits, marks, apostrophes, hyphens. */
const WORD_CHARACTER = /^[\p{L}\p{N}\p{M}'’-]$/u;
const SPACE_OR_PUNCTUATION = /^[\s\p{P}]$/u;
const completers = new WeakMap<SearchIndex, Completer>();

/**
 * Suggestions for a partly typed question: the text as typed, then the text
 * with its last word completed from the articles' words (most frequent first),
 * then article titles matching every typed word. With nothing typed: titles
 * and the names the articles mention most.
 *
 * @example
 * completeQuery(index, 'Who led Ukr') // => ['Who led Ukr', 'Who led Ukraine', 'Who led Ukrainian', …]
 */
export function completeQuery(
  index: SearchIndex,
  partial: string,
  options: CompletionOptions = {},
): string[] {
  const { limit, maxLength } = { ...DEFAULTS, ...options };
  const completer = completerFor(index);
  const text = cleanInput(partial);
  const fits = (s: string) => s !== '' && [...s].length <= maxLength;
  const titles = (words: string[]) =>
    completer.titles
      .filter((title) => words.every((w) => title.words.some((t) => t.startsWith(w))))
      .map((title) => cutAtWord(title.article.title, maxLength));
  const results = new Set<string>();
  const add = (candidates: Iterable<string>) => {
    for (const candidate of candidates) {
      if (results.size >= limit) return;
      if (fits(candidate)) results.add(candidate);
    }
  };

  if (text === '') {
    add(titles([]));
    add(completer.names);
    return [...results];
  }
  if ([...text].length > maxLength) return [];
  add([text]);
  const typedWords = foldWords(text);
  const endsWord = /[\s\p{P}]$/u.test(partial);
  const last = typedWords.at(-1);
  if (!endsWord && last) {
    const head = text.slice(0, text.length - trailingWordLength(text));
    add(wordsWithPrefix(completer, last).map((word) => `${head}${word.display}`));
  }
  add(titles(typedWords.filter((w) => !isStopWord(w))));
  return [...results];
}

/**
 * Articles whose title, publisher or id contains the typed text (folded),
 * in corpus order; all articles (up to the limit) when nothing is typed.
 *
 * @example
 * completeSource(index, 'sky').map((a) => a.id) // => ['000_54ae5372d3de91ff']
 */
export function completeSource(
  index: SearchIndex,
  partial: string,
  options: Pick<CompletionOptions, 'limit'> = {},
): ArticleMeta[] {
  const limit = options.limit ?? DEFAULTS.limit;
  const typed = foldText(cleanInput(partial));
  return completerFor(index)
    .titles.filter(({ folded }) => folded.includes(typed))
    .slice(0, limit)
    .map(({ article }) => article);
}

/**
 * The article an option names: by id, or by its exact title (ignoring case,
 * accents and spacing), since a client may send a choice's name for its value.
 *
 * @example
 * findArticle(index, '000_54ae5372d3de91ff')?.publisher // => 'Sky News'
 */
export function findArticle(index: SearchIndex, input: string): ArticleMeta | undefined {
  const text = cleanInput(input);
  const byId = index.articles.find((article) => article.id === text);
  if (byId) return byId;
  const folded = foldText(text);
  return index.articles.find((article) => foldText(cleanInput(article.title)) === folded);
}

function completerFor(index: SearchIndex): Completer {
  let completer = completers.get(index);
  if (!completer) {
    completer = buildCompleter(index);
    completers.set(index, completer);
  }
  return completer;
}

function buildCompleter(index: SearchIndex): Completer {
  // The vocabulary already counts each term's passages and keeps its first
  // spelling ("Zelenskyy", "Ukraine-focused"), so no passage is read again.
  const words: Completion[] = [];
  const names: Completion[] = [];
  for (const [, info] of index.vocabulary) {
    const key = foldText(info.word).replace(/['-]/g, '');
    if (!/^\p{L}/u.test(key) || isStopWord(key)) continue;
    const completion = { key, display: info.word, weight: info.passages };
    words.push(completion);
    if (/^\p{Lu}/u.test(info.word) && key.length >= MIN_NAME_LENGTH) names.push(completion);
  }
  words.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const titles = index.articles.map((article) => {
    const folded = foldText(
      cleanInput(`${article.title} ${article.publisher ?? ''} ${article.id}`),
    );
    return { article, folded, words: foldWords(article.title) };
  });
  return { words, names: names.sort(byWeight).map((n) => n.display), titles };
}

function wordsWithPrefix(completer: Completer, prefix: string): Completion[] {
  const { words } = completer;
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((words[middle]?.key ?? '') < prefix) low = middle + 1;
    else high = middle;
  }
  const matches: Completion[] = [];
  for (let i = low; i < words.length; i++) {
    const word = words[i];
    if (!word?.key.startsWith(prefix)) break;
    matches.push(word);
  }
  return matches.sort(byWeight);
}

function byWeight(a: Completion, b: Completion): number {
  return b.weight - a.weight || a.key.length - b.key.length || (a.key < b.key ? -1 : 1);
}

/** Folded words of a text, as `tokenize` folds them (possessive, apostrophes and hyphens dropped). */
function foldWords(text: string): string[] {
  return tokenize(text).map((token) => token.word);
}

/** Length of the word being typed at the end of a text (letters, digits, apostrophes, hyphens). */
function trailingWordLength(text: string): number {
  return text.length - trimEndWhere(text, (c) => WORD_CHARACTER.test(c)).length;
}

/** A text of at most `max` code points, cut at a space when it is longer. */
function cutAtWord(text: string, max: number): string {
  const points = [...text];
  if (points.length <= max) return text;
  const cut = points.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return trimEndWhere(space > 0 ? cut.slice(0, space) : cut, (c) => SPACE_OR_PUNCTUATION.test(c));
}
