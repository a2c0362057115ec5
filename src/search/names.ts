import { isStopWord } from '../text/stopwords.ts';
import { toTerm } from '../text/terms.ts';
import { ROLES } from './answer-type.ts';

/**
 * Who a paragraph is about, beyond the words it uses. News paragraphs name a
 * person in full once ("Sir Keir Starmer") and then in part ("Sir Keir") or by
 * pronoun ("he said"). A passage's *context terms* are
 * - the rest of each name it mentions in part, when the article names exactly
 *   one person that way ("Keir" → "starmer"), and
 * - the names of the paragraph before it, which its pronouns usually point to,
 *   and, counting less, those of the paragraph before that;
 * - when it opens with a person the article has not named before, the role the
 *   paragraph before gives without a name, and that paragraph the person: news
 *   introduces "Turkey's foreign minister" and names him next ("Hakan Fidan shared …").
 * They are indexed in a separate field that counts less than the passage's own words.
 */

/** Words that stand before a name without being part of it. */
const TITLES = new Set(
  'mr mrs ms dr sir dame lord lady president prime minister secretary general chancellor king queen pope st'.split(
    ' ',
  ),
);
/** Capitalised runs: words starting with a capital letter, joined by single spaces. */
const CAPITALISED_RUN = /\p{Lu}[\p{L}-]*(?:['’]s\b)?(?: \p{Lu}[\p{L}-]*(?:['’]s\b)?)*/gu;

/**
 * The names in a text, each as its words (lower case), titles and possessives removed.
 *
 * @example
 * namesIn('Sir Keir Starmer met Russia’s Vladimir Medinsky.') // => [['keir', 'starmer'], ['russia'], ['vladimir', 'medinsky']]
 */
export function namesIn(text: string): string[][] {
  const names: string[][] = [];
  for (const match of text.matchAll(CAPITALISED_RUN)) {
    const sentenceStart = startsSentence(text, match.index);
    let name: string[] = [];
    const words = match[0].split(' ');
    words.forEach((raw, i) => {
      const word = raw.replace(/['’]s$/, '').toLowerCase();
      // A sentence's first word is capitalised anyway: a name only when more capitals follow.
      const firstOfSentence = i === 0 && sentenceStart && (words.length === 1 || isStopWord(word));
      const skip = TITLES.has(word) || firstOfSentence;
      if (!skip) name.push(word);
      if (raw.length !== word.length || i === words.length - 1) {
        if (name.length > 0) names.push(name);
        name = [];
      }
    });
  }
  return names;
}

/** Whether position `at` begins a sentence: only spaces, or nothing, since the last sentence end. */
function startsSentence(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(text.charAt(i))) i--;
  return i < 0 || SENTENCE_OPENERS.has(text.charAt(i));
}

const SENTENCE_OPENERS = new Set(['.', '!', '?', ':', '"', '“', '‘', '(']);

/** What one paragraph refers to beyond its own words, as index terms. */
export interface ParagraphContext {
  /** The rest of the names it gives in part, the names of the paragraph before, and linked roles. */
  near: string[];
  /** The names of the paragraph two before, which it may still refer to ("the UK prime minister"). */
  earlier: string[];
}

/**
 * The context terms of each paragraph of one article (see the module comment).
 *
 * @example
 * contextTerms(['Sir Keir Starmer spoke.', '“No,” said Sir Keir.'])[1]?.near // => includes toTerm('starmer')
 */
export function contextTerms(paragraphs: ReadonlyArray<string>): ParagraphContext[] {
  const namesPerParagraph = paragraphs.map(namesIn);
  const complete = nameCompleter(namesPerParagraph.flat());
  // Each paragraph's names with their words and, for a name given in part, the rest of it.
  const completed = namesPerParagraph.map((names) => new Set(names.flatMap(complete)));
  const introduced = introducedNames(paragraphs, namesPerParagraph);
  const roles = paragraphs.map(unnamedRoles);
  const toTerms = (words: Iterable<string>) =>
    [...words].filter((word) => !isStopWord(word)).map(toTerm);
  return namesPerParagraph.map((names, i) => {
    const words = new Set([...(completed[i] ?? []), ...(completed[i - 1] ?? [])]);
    // A role left unnamed here and the person the next paragraph introduces are one.
    const previousRoles = roles[i - 1] ?? [];
    if (introduced[i] && previousRoles.length > 0)
      for (const word of previousRoles) words.add(word);
    const next = introduced[i + 1];
    if (next && (roles[i] ?? []).length > 0) for (const word of next) words.add(word);
    for (const name of names) for (const word of name) words.delete(word);
    const own = new Set(names.flat());
    const earlier = [...(completed[i - 2] ?? [])].filter(
      (word) => !words.has(word) && !own.has(word),
    );
    return { near: toTerms(words), earlier: toTerms(earlier) };
  });
}

/**
 * Completes a name an article gives in part with the rest of its full name
 * ("keir" → "keir", "starmer"), when the article names one person that way.
 *
 * @example
 * articleNames(['Sir Keir Starmer spoke.', 'Sir Keir left.'])(['keir']) // => ['keir', 'starmer']
 */
export function articleNames(paragraphs: ReadonlyArray<string>): (name: string[]) => string[] {
  return nameCompleter(paragraphs.flatMap(namesIn));
}

/**
 * Completes a name given in part with the rest of the one full name of those
 * given that contains it ("Keir" → "keir", "starmer"); a name as it is otherwise.
 */
function nameCompleter(names: ReadonlyArray<string[]>): (name: string[]) => string[] {
  const fullNamesByWord = new Map<string, Set<string>>();
  for (const name of names) {
    if (name.length < 2) continue;
    for (const word of name) {
      const fullNames = fullNamesByWord.get(word) ?? new Set<string>();
      fullNames.add(name.join(' '));
      fullNamesByWord.set(word, fullNames);
    }
  }
  return (name) =>
    name.flatMap((word) => {
      const fullNames = fullNamesByWord.get(word);
      const [fullName] = fullNames?.size === 1 ? fullNames : [];
      return fullName ? fullName.split(' ') : [word];
    });
}

/** A role word, with the word that says which one ("foreign minister"), and no name after it. */
const UNNAMED_ROLE = new RegExp(`(?:\\b(\\p{Ll}+) )?\\b(${ROLES})\\b(?! \\p{Lu})`, 'gu');

/**
 * The words of the roles a text gives without naming who holds them.
 *
 * @example
 * unnamedRoles('Turkey’s foreign minister hailed it.') // => ['foreign', 'minister']
 * unnamedRoles('Foreign minister Hakan Fidan hailed it.') // => []
 */
function unnamedRoles(text: string): string[] {
  return [...text.matchAll(UNNAMED_ROLE)].flatMap(([, which, role]) =>
    which && !isStopWord(which) ? [which, role ?? ''] : [role ?? ''],
  );
}

/**
 * For each paragraph, the person it introduces, or null: a name of two words or
 * more that opens it ("Hakan Fidan shared …") and that no paragraph before has used.
 */
function introducedNames(
  paragraphs: ReadonlyArray<string>,
  namesPerParagraph: ReadonlyArray<string[][]>,
): Array<string[] | null> {
  const named = new Set<string>();
  return namesPerParagraph.map((names, i) => {
    const opening = names[0];
    const introduces =
      opening !== undefined &&
      opening.length >= 2 &&
      opening.every((word) => !named.has(word)) &&
      opensWithName(paragraphs[i] ?? '');
    for (const name of names) for (const word of name) named.add(word);
    return introduces ? opening : null;
  });
}

/** Whether a text begins with a name of two words or more ("Hakan Fidan said …"). */
function opensWithName(text: string): boolean {
  return /^\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+/u.test(text);
}

/** Verbs that report speech: a name just before one is who spoke ("Peskov told reporters"). */
const SPEECH_VERBS = 'said|says|told|tells|added|warned|wrote|posted|announced|stated';
/** After the quote, the speaker stands alone after the verb ("…,” said Sir Keir."). */
const QUOTE_VERBS = 'said|says|added|wrote';
const NAME_RUN = "\\p{Lu}[\\p{L}-]*(?:['’]s)?(?: \\p{Lu}[\\p{L}-]*)*";
const SPEAKER = new RegExp(
  `(${NAME_RUN}) (?:${SPEECH_VERBS})\\b|\\b(?:${QUOTE_VERBS}) (${NAME_RUN})(?=[.,;]|$)`,
  'gu',
);

/**
 * Who a text says is speaking: the names next to its speech verbs ("President
 * Zelenskyy said", "said Sir Keir"), each completed by `complete` (see
 * {@link articleNames}). Empty when it names no speaker.
 *
 * @example
 * speakersIn('“No,” said Sir Keir.', articleNames(['Sir Keir Starmer spoke.'])) // => ['keir', 'starmer']
 */
export function speakersIn(
  text: string,
  complete: (name: string[]) => string[] = (name) => name,
): string[] {
  const speakers: string[][] = [];
  for (const match of text.matchAll(SPEAKER)) {
    const run = match[1] ?? match[2] ?? '';
    // "Russia’s Vladimir Medinsky": the possessive says whose he is, not who.
    const words = run
      .split(' ')
      .filter((word) => !/['’]s$/.test(word))
      .map((word) => word.toLowerCase())
      .filter((word) => !TITLES.has(word) && !isStopWord(word));
    if (words.length > 0) speakers.push(words);
  }
  return [...new Set(speakers.flatMap(complete))];
}
