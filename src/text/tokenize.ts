import { foldPunctuation, foldText } from './normalize.ts';

/** A word as it appears in text, folded but not yet stemmed. */
export interface Token {
  /** The word as written, for messages back to the user. */
  original: string;
  /** Folded form: lower case, no diacritics, straight quotes, possessive removed. */
  word: string;
  /** True when the word was written in capitals in the original (an acronym such as "EU"). */
  acronym: boolean;
  /** Parts of a hyphenated compound ("cease-fire" → ["cease", "fire"]), empty otherwise. */
  parts: string[];
}

// Numbers keep their thousands separators and decimals together; words keep
// inner apostrophes and hyphens so possessives and compounds can be handled below.
const TOKEN = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;
const ACRONYM = /^\p{Lu}{2,}s?$/u;

/**
 * Splits text into word tokens, folding each one.
 *
 * Possessives lose their "'s" ("Russia’s" → "russia"), numbers lose thousands
 * separators ("1,000" → "1000"), other apostrophes are dropped ("don't" → "dont").
 *
 * @example
 * tokenize('Russia’s 1,000 POWs').map((t) => t.word) // => ['russia', '1000', 'pows']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const shouting = isShouting(text);
  for (const match of foldPunctuation(text).matchAll(TOKEN)) {
    const original = match[0];
    let word = foldText(original);
    const code = word.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      if (word.includes(',')) word = word.replace(/,/g, '');
    } else if (word.includes("'")) {
      word = word.replace(/'s$/, '').replace(/'/g, '');
    }
    const parts = word.includes('-') ? word.split('-').filter(Boolean) : [];
    tokens.push({
      original,
      word: word.replace(/-/g, ''),
      acronym: !shouting && ACRONYM.test(original),
      parts,
    });
  }
  return tokens;
}

/**
 * Tells whether text is written mostly in capitals ("PUTIN NO-SHOW REACTION"),
 * where capitals say nothing about names or acronyms.
 *
 * @example
 * isShouting('WHO LED THE TALKS') // => true
 * isShouting('Did the US attend?') // => false
 */
export function isShouting(text: string): boolean {
  let letters = 0;
  let capitals = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) {
      letters++;
      capitals++;
    } else if (code >= 97 && code <= 122) {
      letters++;
    } else if (code > 127) {
      // Beyond ASCII a letter is whatever has two cases.
      const char = text.charAt(i);
      const upper = char.toUpperCase();
      if (upper !== char.toLowerCase()) {
        letters++;
        if (char === upper) capitals++;
      }
    }
  }
  return letters >= 8 && capitals > letters * 0.7;
}
