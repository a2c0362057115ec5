/**
 * What kind of answer a question asks for, read from its question words, and
 * whether a passage holds something of that kind. A passage that holds a
 * number is likelier to answer "how many", one that names people "who".
 */

import { CHAT_OPENERS } from '../text/stopwords.ts';

export type AnswerType = 'person' | 'role' | 'place' | 'number' | 'time' | 'duration' | 'statement';

/** Nouns for what a person is: they stand before a name to say who it is ("Kremlin spokesman Dmitry Peskov"). */
export const ROLES =
  'aide|adviser|advisor|minister|secretary|secretary-general|spokesman|spokeswoman|spokesperson|chief|president|vice-president|chancellor|premier|envoy|ambassador|negotiator|commander|general|official|head|director|leader|chairman|chair|governor|mayor|senator|diplomat|deputy|king|queen|pope|prince';

/** Nouns that name an amount: a question about one asks for a number ("Umerov age"). */
const AMOUNT_NOUNS =
  'number|amount|total|count|percentage|percent|proportion|share|size|toll|age|population|cost|price';

/** "What did X say/tell …": a report of what X said; the words between are who said it. */
const STATEMENT = /^what (?:did|does|do|has|had|will|would)\b(.*)\b(?:say|tell)\b/i;

/**
 * Question words that ask for a kind of answer. The question's first question
 * word decides: in "How long did it last, and when?" the question is how long,
 * and in "What does Russia want when it comes to NATO?" it asks for no kind.
 */
const QUESTION_PATTERNS: ReadonlyArray<readonly [AnswerType, RegExp]> = [
  ['duration', /^how (?:long|much time)\b/i],
  ['number', /^how (many|much|old|far|big)\b/i],
  // "What is the population of …", "What percentage …", "What's the total number …"
  [
    'number',
    new RegExp(
      `^(?:what|which)(?:'s| is| was| are| were)?\\s+(?:the\\s+)?(?:\\w+\\s+)?(?:${AMOUNT_NOUNS})\\b`,
      'i',
    ),
  ],
  ['person', /^(?:what|which)(?:'s| is| was| are| were)?\s+(?:the\s+)?(?:full\s+)?names?\b/i],
  ['time', /^(when|(what|which) (time|date|day|year|month)|how (soon|often))\b/i],
  // "What job does Medinsky hold?", "Who is Peskov?" — but "Who is Ukraine's foreign minister?" asks for a person.
  ['role', /^(?:what|which) (?:job|role|position|title|post)\b/i],
  [
    'role',
    new RegExp(
      `^who(?:'?s| is| was)\\s+(?!(?:the|a|an|in|on|at|of|for|with)\\b)(?![^?]*\\b(?:${ROLES})\\b)\\S+(?:\\s+\\S+){0,2}?\\s*(?:again|exactly|then)?\\s*\\??$`,
      'i',
    ),
  ],
  ['person', /^(who|whos|whom|whose)\b/i],
  ['place', /^where\b/i],
  ['statement', STATEMENT],
];
/** The first of these in a question is where what it asks begins ("On *which* day …"). */
const QUESTION_WORD = /\b(?:what|which|who|whos|whom|whose|when|where|why|how)\b/i;

/** Nouns by which a keyword query, having no question word, names the kind it wants ("summit location"). */
const KEYWORD_PATTERNS: ReadonlyArray<readonly [AnswerType, RegExp]> = [
  ['place', /\b(location|venue)\b/i],
  ['time', /\bdate\b/i],
  ['duration', /\b(length|duration)\b/i],
  ['number', new RegExp(`\\b(?:${AMOUNT_NOUNS})\\b`, 'i')],
  ['person', /\bname\b/i],
  ['role', /\bjob\b/i],
];

/**
 * Words that open a yes/no question ("Did Russia reply when Ukraine asked?"): a
 * question word after one begins a clause inside the question, not what it asks.
 */
const YES_NO_OPENER = new RegExp(
  `^(?:(?:${[...CHAT_OPENERS, 'and', 'but'].join('|')})\\b[\\s,]*)*(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should|shall|may|might|must)(?:n'?t)?\\b`,
  'i',
);

const MONTHS_AND_DAYS =
  'January|February|March|April|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';

const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?';
const QUANTITY = `(?:\\d+|a|an|${NUMBER_WORDS}|few|several|last|next|this|past|coming|previous)`;
const TIME_UNIT = '(?:hours?|minutes?|days?|weeks?|months?|years?|decades?)';
const AMOUNT = `(?:\\d+|a|an|${NUMBER_WORDS}|few|several)`;

/** Words that may follow a place name without making it describe them ("in Albania on Friday"). */
const PLACE_FOLLOWERS =
  'on|in|at|and|or|but|for|with|to|from|by|of|was|were|is|are|had|has|have|will|would|last|this|that|where|which|who|during|after|before|since|until|earlier|later|ahead';

const PASSAGE_PATTERNS: Readonly<Record<AnswerType, RegExp>> = {
  number: new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, 'i'),
  // A unit of time counts only with a number or a "last/next" before it: "an important day" is no time.
  time: new RegExp(
    `\\b(${MONTHS_AND_DAYS}|today|yesterday|tomorrow|tonight|soon|ago|date|\\d{4}|${QUANTITY}[ -]${TIME_UNIT})\\b`,
    'i',
  ),
  // "less than two hours", "a 30-day ceasefire", "a month-long truce", "would take time" — not "last week".
  duration: new RegExp(
    `\\b(${AMOUNT}[ -]${TIME_UNIT}|${TIME_UNIT}-long|(?:take|takes|took|taking) (?:some |a long )?time|a while)\\b`,
    'i',
  ),
  // What someone said is reported by a speech verb or put in quotation marks.
  statement:
    /\b(?:said|say|says|saying|told|tells|stated|announced|added|wrote|posted|warned|called|described|heralded)\b|[“”"]/i,
  // A role word just before a name says who that is: "presidential aide Vladimir Medinsky".
  role: new RegExp(`\\b(?:${ROLES}) \\p{Lu}\\p{Ll}+`, 'iu'),
  person:
    /\b(Mr|Mrs|Ms|Dr|Sir|Dame|President|Minister|Secretary|Chancellor|King|Queen|Pope)\.? \p{Lu}|(?<=^|[\p{Ll},] )\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+/u,
  // "in Istanbul, Turkey", "in Albania on Friday", "at the Dolmabahce Palace" — but not "in the
  // Ukrainian team" or "to Ukraine's ambitions", where the name only describes the word after it.
  place: new RegExp(
    `\\b(?:in|at|near|to) (?:the )?(?!(?:${MONTHS_AND_DAYS})\\b)\\p{Lu}[\\p{L}-]*(?![\\p{L}'’-])(?: \\p{Lu}[\\p{L}-]*(?![\\p{L}'’-]))*(?! (?!(?:${PLACE_FOLLOWERS})\\b)\\p{Ll})`,
    'u',
  ),
};

/**
 * The kind of answer a question asks for, or null when its words do not say.
 *
 * @example
 * expectedAnswerType('How many prisoners were swapped?') // => 'number'
 * expectedAnswerType('Who led the delegation?') // => 'person'
 * expectedAnswerType('Did Russia reply when Ukraine asked?') // => null
 */
export function expectedAnswerType(typed: string): AnswerType | null {
  const question = withQuestionWordsSpelledOut(typed);
  if (YES_NO_OPENER.test(question.trim())) return null;
  const questionWord = QUESTION_WORD.exec(question);
  const [patterns, text] = questionWord
    ? [QUESTION_PATTERNS, question.slice(questionWord.index)]
    : [KEYWORD_PATTERNS, question];
  return patterns.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
}

/**
 * Who a "what did X say" question asks about, as typed, or null for any other question.
 *
 * @example
 * speakerOf('What did the UK prime minister say about Putin?') // => 'the UK prime minister'
 * speakerOf('Who led the delegation?') // => null
 */
export function speakerOf(typed: string): string | null {
  const question = withQuestionWordsSpelledOut(typed);
  const questionWord = QUESTION_WORD.exec(question);
  if (!questionWord || YES_NO_OPENER.test(question.trim())) return null;
  return STATEMENT.exec(question.slice(questionWord.index))?.[1]?.trim() || null;
}

/** Chat spellings of "what" ("wat did he say"), spelled out. */
function withQuestionWordsSpelledOut(question: string): string {
  return question.replace(/\b(?:wat|wut|wot)\b/gi, 'what');
}

/**
 * Whether a passage holds an answer of the given kind.
 *
 * @example
 * holdsAnswerType('They agreed to swap 1,000 prisoners.', 'number') // => true
 */
export function holdsAnswerType(passage: string, type: AnswerType): boolean {
  return PASSAGE_PATTERNS[type].test(passage);
}

/**
 * Nouns that only name the kind of answer, which every event has ("talks
 * *venue*", "how much *time*"): a passage need not use them, as long as it
 * holds an answer of that kind. Not for kinds that are never grounds to refuse
 * (a "name" the text does not give is what a trap asks for), nor amount nouns:
 * "population" or "age" says what is asked.
 */
const FRAME_NOUNS: ReadonlyMap<string, AnswerType> = new Map([
  ['date', 'time'],
  ['location', 'place'],
  ['venue', 'place'],
  ['length', 'duration'],
  ['duration', 'duration'],
  ['time', 'duration'],
]);

/**
 * Whether a word only names the kind of answer the question asks for (see {@link FRAME_NOUNS}).
 *
 * @example
 * isFrameNoun('venue', 'place') // => true ("talks venue")
 * isFrameNoun('population', 'number') // => false
 */
export function isFrameNoun(word: string, expects: AnswerType | null): boolean {
  return expects !== null && FRAME_NOUNS.get(word) === expects;
}

/** The word after "how" that only says what is asked ("how long", "how many"), not what about. */
const HOW_WORDS = new Set(['many', 'much', 'far', 'long', 'soon', 'often', 'come']);

/**
 * Verbs that ask the bot for something rather than about it, when they open the
 * message or follow "you"/"please" ("list the delegates", "can you show …") or
 * come before "me"/"us" ("show me …"). Elsewhere they are the question's words
 * ("the delegation list", "did Putin show up").
 */
const REQUEST_VERBS = new Set(['show', 'find', 'get', 'fetch', 'bring', 'display', 'list']);
const REQUEST_ADDRESS = new Set(['you', 'u', 'please', 'pls', 'plz']);

/**
 * Whether a word only frames the question, given its neighbours: the word
 * after "how" in "how long", or a request verb (see {@link REQUEST_VERBS}).
 *
 * @example
 * isQuestionPhraseWord('how', 'long', 'did') // => true
 * isQuestionPhraseWord('much', 'time', 'did') // => true
 * isQuestionPhraseWord('month', 'long', 'truce') // => false
 * isQuestionPhraseWord(undefined, 'show', 'me') // => true
 * isQuestionPhraseWord('putin', 'show', 'up') // => false
 * isQuestionPhraseWord('delegation', 'list', undefined) // => false
 */
export function isQuestionPhraseWord(
  previous: string | undefined,
  word: string,
  next: string | undefined,
): boolean {
  if (previous === 'how' && HOW_WORDS.has(word)) return true;
  // "how much time" asks how long.
  if (previous === 'much' && word === 'time') return true;
  if (!REQUEST_VERBS.has(word)) return false;
  return next === 'me' || next === 'us' || previous === undefined || REQUEST_ADDRESS.has(previous);
}
