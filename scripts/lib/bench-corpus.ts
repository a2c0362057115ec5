import type { Article } from '../../src/corpus/types.ts';
import { isStopWord } from '../../src/text/stopwords.ts';

/**
 * The benchmark corpus: the seed article, then State of the Union paragraphs
 * until the wanted size. Past the ~22k paragraphs the addresses have, they
 * are repeated as numbered variants in which some words (each with
 * {@link MUTATION_RATE} odds per variant) become made-up words, so the
 * vocabulary keeps growing with the corpus as it does in real text.
 * Everything is drawn from a seeded generator: the same size gives the same
 * corpus and the same queries on every run.
 */

/** Share of eligible words (4+ letters, not stop words) a variant replaces by a made-up word. */
export const MUTATION_RATE = 0.15;
const MUTABLE_WORD = /\p{L}{4,}/gu;
/** What a query word is made of: letters and digits, with inner apostrophes ("Russia's"). */
const WORD_CHAR = /[\p{L}\p{N}'’]/u;

/**
 * A small, fast seeded generator (mulberry32): uniform floats in [0, 1).
 *
 * @example
 * const random = seededRandom(42);
 * random() // => the same number on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a stable 32-bit hash of a string, to seed per-word decisions. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The corpus of `passages` indexable paragraphs: `seeds` first (whole), then
 * State of the Union addresses in a seeded order, then variants of them.
 * Returns fewer only when `passages` is below the seeds' own count.
 *
 * @example
 * const articles = benchCorpus(seedArticles, loadSotuArticles(), 10_000);
 * countPassages(articles) // => 10000
 */
export function benchCorpus(
  seeds: ReadonlyArray<Article>,
  speeches: ReadonlyArray<Article>,
  passages: number,
  seed = 1,
): Article[] {
  const articles: Article[] = [...seeds];
  let remaining = passages - countPassages(seeds);
  if (speeches.length === 0 || countPassages(speeches) === 0) return articles;
  for (let variant = 0; remaining > 0; variant++) {
    const random = seededRandom(seed * 1000 + variant);
    const order = shuffle(
      speeches.map((_, i) => i),
      random,
    );
    const mutate = variant === 0 ? (text: string) => text : wordMutator(variant);
    for (const position of order) {
      if (remaining <= 0) break;
      const speech = speeches[position] as Article;
      const paragraphs = [];
      for (const paragraph of speech.paragraphs) {
        if (remaining <= 0) break;
        paragraphs.push({ ...paragraph, text: mutate(paragraph.text) });
        if (paragraph.boilerplate === null) remaining--;
      }
      articles.push(
        variant === 0
          ? { ...speech, paragraphs }
          : {
              ...speech,
              id: `${speech.id}~${variant}`,
              title: `${speech.title}, variant ${variant}`,
              paragraphs,
            },
      );
    }
  }
  return articles;
}

/**
 * Paragraphs that are not boilerplate: what the bot indexes as passages.
 *
 * @example
 * countPassages((await loadCorpus('seeds')).articles) // => 28
 */
export function countPassages(articles: ReadonlyArray<Article>): number {
  let count = 0;
  for (const article of articles)
    for (const paragraph of article.paragraphs) if (paragraph.boilerplate === null) count++;
  return count;
}

/**
 * The indexable paragraphs as raw MiniSearch documents, ids in passage order.
 *
 * @example
 * new MiniSearch({ fields: ['text'] }).addAll(plainDocuments(articles));
 */
export function plainDocuments(
  articles: ReadonlyArray<Article>,
): Array<{ id: number; text: string }> {
  const documents: Array<{ id: number; text: string }> = [];
  for (const article of articles)
    for (const paragraph of article.paragraphs)
      if (paragraph.boilerplate === null)
        documents.push({ id: documents.length, text: paragraph.text });
  return documents;
}

/**
 * Shuffles `items` in place (Fisher–Yates) and returns them.
 *
 * @example
 * shuffle([1, 2, 3], seededRandom(3)) // => the same order on every run
 */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * The text rewriter of one variant: each eligible word (by its lower-case
 * form) is replaced, or not, the same way everywhere in the variant, so a
 * made-up word is as frequent as the word it replaces.
 */
function wordMutator(variant: number): (text: string) => string {
  const replacements = new Map<string, string | null>();
  const replace = (word: string): string => {
    const lower = word.toLowerCase();
    let replacement = replacements.get(lower);
    if (replacement === undefined) {
      const random = seededRandom(hashString(`${lower}#${variant}`));
      replacement =
        !isStopWord(lower) && random() < MUTATION_RATE ? madeUpWord(lower, random) : null;
      replacements.set(lower, replacement);
    }
    if (replacement === null) return word;
    if (word === word.toUpperCase()) return replacement.toUpperCase();
    if (word[0] !== lower[0]) return (replacement[0] ?? '').toUpperCase() + replacement.slice(1);
    return replacement;
  };
  return (text) => text.replace(MUTABLE_WORD, replace);
}

/** The word with its first letter kept and about half of the others replaced by random letters. */
function madeUpWord(word: string, random: () => number): string {
  const letters = [...word];
  for (let i = 1; i < letters.length; i++) {
    if (random() < 0.5) letters[i] = String.fromCharCode(97 + Math.floor(random() * 26));
  }
  const made = letters.join('');
  return made === word ? `${word}q` : made;
}

/**
 * `count` keyword queries of 1–6 words. Each word is the word at a uniformly
 * drawn position of the corpus text, so words are as frequent in queries as in
 * the text ("the" and "of" included). A character position is drawn and its
 * word kept with odds 1/length, which makes every word position equally likely.
 *
 * @example
 * keywordQueries(articles, 3, 7) // => e.g. ['government', 'of the Treaty', 'Congress we shall']
 */
export function keywordQueries(
  articles: ReadonlyArray<Article>,
  count: number,
  seed = 7,
): string[] {
  const texts = plainDocuments(articles).map((document) => document.text);
  const ends: number[] = [];
  let total = 0;
  for (const text of texts) {
    total += text.length;
    ends.push(total);
  }
  const random = seededRandom(seed);
  const drawWord = (): string => {
    for (;;) {
      const offset = Math.floor(random() * total);
      const passage = firstAbove(ends, offset);
      const text = texts[passage] ?? '';
      const at = offset - ((ends[passage] ?? 0) - text.length);
      if (!WORD_CHAR.test(text[at] ?? ' ')) continue;
      let start = at;
      let end = at + 1;
      while (start > 0 && WORD_CHAR.test(text[start - 1] ?? ' ')) start--;
      while (end < text.length && WORD_CHAR.test(text[end] ?? ' ')) end++;
      const word = text.slice(start, end).replace(/^['’]+|['’]+$/g, '');
      if (word !== '' && random() < 1 / (end - start)) return word;
    }
  };
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = 1 + Math.floor(random() * 6);
    queries.push(Array.from({ length: words }, drawWord).join(' '));
  }
  return queries;
}

/**
 * What someone has typed so far, `count` times: a query cut after at least
 * two characters, as autocomplete sees it on each keystroke.
 *
 * @example
 * typedPrefixes(['Who led Ukraine'], 1, 3) // => e.g. ['Who led Uk']
 */
export function typedPrefixes(queries: ReadonlyArray<string>, count: number, seed = 11): string[] {
  const random = seededRandom(seed);
  const prefixes: string[] = [];
  for (let i = 0; i < count && queries.length > 0; i++) {
    const query = queries[Math.floor(random() * queries.length)] ?? '';
    const cut = Math.min(query.length, 2 + Math.floor(random() * Math.max(1, query.length - 1)));
    prefixes.push(query.slice(0, cut));
  }
  return prefixes;
}

/** Index of the first value above `target` in an ascending array. */
function firstAbove(values: ReadonlyArray<number>, target: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((values[middle] ?? 0) > target) high = middle;
    else low = middle + 1;
  }
  return low;
}
