import { createHash } from 'node:crypto';
import { analyzeText, type SentenceInfo, type TextAnalysis } from '../text/language.ts';
import { foldText } from '../text/normalize.ts';
import { forEachTerm } from '../text/terms.ts';

/**
 * Everything the index takes from the language model about one passage text,
 * in a compact form of plain strings and numbers: building an index from these
 * gives the same index as reading the text again, so an unchanged paragraph is
 * analysed once and its analysis reused by every later build (see
 * `buildIndex`'s `reuse`, and the snapshot, which saves them).
 *
 * Lists of words are joined by spaces: a token of the model never holds white
 * space (wink splits the text on it first; white space makes tokens of its own,
 * which are never words).
 */
export interface PassageAnalysis {
  /** {@link passageKey} of the text analysed. */
  key: string;
  /** Where each sentence ends and what kinds of answer it holds. */
  sentences: ReadonlyArray<SentenceInfo>;
  /** The index terms, sentence by sentence: terms joined by spaces, sentences by newlines. */
  terms: string;
  /**
   * Each distinct term in the order first met, as that first occurrence was
   * written ("Ukraine's"), or '' when written as the term itself; joined by spaces.
   */
  spellings: string;
  /** Flat pairs: a distinct term's position (as in `spellings`), and how many of its occurrences start with a capital. */
  capitals: ReadonlyArray<number>;
  /**
   * Flat pairs, joined by spaces: a word as the model normalised it (four
   * letters or more), and its term, in the order met; a repeat that cannot
   * change the index's written words is left out.
   */
  words: string;
  /** Runs of proper nouns that may have initials (see {@link namesIn}): words joined by spaces, names by newlines. */
  names: string;
}

/** Shorter words are not kept for spelling: too many words are one edit from them. */
export const MIN_WORD_LENGTH = 4;

/**
 * The key of a passage text in a cache of analyses: a hash of the text, so a
 * cache holds no second copy of the corpus. The code that analyses is checked
 * where the analyses are saved (the snapshot holds its hash).
 *
 * @example
 * passageKey('The talks lasted two hours.') // => a 22-character base64url string
 */
export function passageKey(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/**
 * Reads one passage with the language model, as indexing needs it.
 *
 * @example
 * const analysis = analysePassage('Talks lasted two hours. They met in Istanbul.');
 * analysis.terms // => 'talk last 2 hour\nmet istanbul'
 */
export function analysePassage(text: string): PassageAnalysis {
  const analysis = analyzeText(text);
  const sentenceTerms: string[][] = analysis.sentences.map(() => []);
  const positions = new Map<string, number>();
  const spellings: string[] = [];
  const capitalCounts: number[] = [];
  const words: string[] = [];
  // A word already folded is recorded once: the index keeps its first term (see `buildIndex`).
  const foldedSeen = new Set<string>();
  forEachTerm(analysis, (term, token, position) => {
    sentenceTerms[analysis.sentenceOf[position] ?? 0]?.push(term);
    let at = positions.get(term);
    if (at === undefined) {
      at = spellings.length;
      positions.set(term, at);
      spellings.push(token.value === term ? '' : token.value);
      capitalCounts.push(0);
    }
    if (/^\p{Lu}/u.test(token.value)) capitalCounts[at] = (capitalCounts[at] ?? 0) + 1;
    const { normal } = token;
    if (normal.length >= MIN_WORD_LENGTH && !foldedSeen.has(normal)) {
      if (foldText(normal) === normal) foldedSeen.add(normal);
      words.push(normal, term);
    }
  });
  const capitals: number[] = [];
  capitalCounts.forEach((count, at) => {
    if (count > 0) capitals.push(at, count);
  });
  return {
    key: passageKey(text),
    sentences: analysis.sentences,
    terms: sentenceTerms.map((sentence) => sentence.join(' ')).join('\n'),
    spellings: spellings.join(' '),
    capitals,
    words: words.join(' '),
    names: namesIn(analysis)
      .map((name) => name.join(' '))
      .join('\n'),
  };
}

/** Longest and shortest names whose initials are recorded, in words. */
const NAME_WORDS = { min: 2, max: 4 } as const;

/**
 * The names in an analysed text: runs of two to four capitalised proper
 * nouns ("Franklin D. Roosevelt"), as their words.
 *
 * @example
 * namesIn(analyzeText('John F. Kennedy spoke.')) // => [['John', 'F.', 'Kennedy']]
 */
export function namesIn(analysis: TextAnalysis): string[][] {
  const names: string[][] = [];
  let run: string[] = [];
  const close = () => {
    if (run.length >= NAME_WORDS.min && run.length <= NAME_WORDS.max) names.push(run);
    run = [];
  };
  for (const token of analysis.tokens) {
    if (token.pos === 'PROPN' && /^\p{Lu}/u.test(token.value)) run.push(token.value);
    else close();
  }
  close();
  return names;
}

/**
 * The pieces of a list joined by {@link PassageAnalysis}'s spaces or newlines.
 *
 * @example
 * splitList('') // => []
 * splitList('fdr lbj', ' ') // => ['fdr', 'lbj']
 */
export function splitList(list: string, separator: ' ' | '\n'): string[] {
  return list === '' ? [] : list.split(separator);
}
