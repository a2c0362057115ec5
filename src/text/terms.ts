import { stemmer } from 'stemmer';
import { baseForm } from './irregular-verbs.ts';
import { americanize, foldTransliteration } from './spelling.ts';
import { isStopWord } from './stopwords.ts';
import { tokenize } from './tokenize.ts';

const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    zero: '0',
    one: '1',
    two: '2',
    three: '3',
    four: '4',
    five: '5',
    six: '6',
    seven: '7',
    eight: '8',
    nine: '9',
    ten: '10',
    eleven: '11',
    twelve: '12',
    thirteen: '13',
    fourteen: '14',
    fifteen: '15',
    sixteen: '16',
    seventeen: '17',
    eighteen: '18',
    nineteen: '19',
    twenty: '20',
    thirty: '30',
    forty: '40',
    fifty: '50',
    sixty: '60',
    seventy: '70',
    eighty: '80',
    ninety: '90',
    hundred: '100',
    thousand: '1000',
    million: '1000000',
    billion: '1000000000',
  }),
);

/**
 * Words the Porter stemmer gets wrong, with the stem Porter2 (the English
 * Snowball stemmer) gives them by its list of exceptions: "news" is not the
 * plural of "new", nor "bias" of "bia"; "dying" is "die".
 */
const STEM_EXCEPTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    news: 'news',
    bias: 'bias',
    cosmos: 'cosmos',
    atlantic: 'atlantic',
    andes: 'andes',
    skies: 'sky',
    skis: 'ski',
    dying: 'die',
    lying: 'lie',
    tying: 'tie',
  }),
);

/** Words longer than this are not words a reader types; they are cut so they cannot cost time. */
const MAX_WORD_LENGTH = 40;

// Stemming is the costliest step of indexing and the vocabulary is small next
// to the text, so each distinct word is stemmed once.
const termCache = new Map<string, string>();
const TERM_CACHE_LIMIT = 500_000;

/**
 * Turns one folded word (see `tokenize`) into its index term: number words
 * become digits, irregular past forms their base ("held" → "hold"), British spellings American, then Porter stemming
 * (with Porter2's exceptions: "news" is no plural) and transliteration folding.
 *
 * @example
 * toTerm('defence') === toTerm('defense') // => true
 * toTerm('zelenskyy') === toTerm('zelensky') // => true
 * toTerm('thousand') // => '1000'
 */
export function toTerm(word: string): string {
  const cached = termCache.get(word);
  if (cached !== undefined) return cached;
  const term = termOf(word);
  if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
  termCache.set(word, term);
  return term;
}

/**
 * {@link toTerm} without its cache, for words looked at once, such as the
 * spellings a typo may stand for: they would crowd the words of the articles out of it.
 *
 * @example
 * termOf('negotiations') // => 'negoti'
 */
export function termOf(word: string): string {
  const clipped = word.slice(0, MAX_WORD_LENGTH);
  return (
    NUMBER_WORDS.get(clipped) ??
    (/^\d/.test(clipped) ? clipped : foldTransliteration(stem(americanize(baseForm(clipped)))))
  );
}

function stem(word: string): string {
  return STEM_EXCEPTIONS.get(word) ?? stemmer(word);
}

/**
 * Calls `visit` with each index term of a text and the word it came from, as
 * written (possessive removed): every word that is not a stop word, and for a hyphenated compound both
 * the whole ("ceasefire") and its parts. The one definition of what a text
 * contributes to the index, shared by indexing and questions.
 *
 * @example
 * forEachTerm('The cease-fire held.', (term) => console.log(term)) // ceasefir, ceas, fire, held
 */
export function forEachTerm(
  text: string,
  visit: (term: string, spelling: string, capitalized: boolean) => void,
): void {
  for (const token of tokenize(text)) {
    const first = token.original.charCodeAt(0);
    const capitalized =
      (first >= 65 && first <= 90) || (first > 127 && /^\p{Lu}/u.test(token.original));
    const spelling = token.original.endsWith("'s") ? token.original.slice(0, -2) : token.original;
    // "US" is a country, "us" a pronoun: words written in capitals are never stop words.
    if (token.acronym || !isStopWord(token.word)) visit(toTerm(token.word), spelling, capitalized);
    if (token.parts.length === 0) continue;
    const partSpellings = spelling.split('-');
    token.parts.forEach((part, i) => {
      if (!isStopWord(part)) visit(toTerm(part), partSpellings[i] ?? part, capitalized);
    });
  }
}

/**
 * The index terms of a text, in order (see {@link forEachTerm}).
 *
 * @example
 * indexTerms('Russia’s 1,000 POWs') // => ['rusia', '1000', 'pow']
 */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  forEachTerm(text, (term) => terms.push(term));
  return terms;
}
