import { isStopLemma } from './language.ts';
import { foldText } from './normalize.ts';

/**
 * Tells whether a word carries no topic of its own: whether it is in the
 * English stop-word list of wink-nlp's model (see `language.ts`), the one list
 * that indexing, questions and autocomplete share.
 *
 * @example
 * isStopWord('the') // => true
 * isStopWord('ceasefire') // => false
 */
export function isStopWord(word: string): boolean {
  return isStopLemma(foldText(word));
}
