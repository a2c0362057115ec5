/**
 * Words that carry no topic of their own. They are left out of the index and
 * out of queries: a question is about its other words.
 *
 * Three groups, each general English rather than anything about one article:
 * function words, the words questions are built from, and chat filler.
 */

const FUNCTION_WORDS = `a about above after again against all am an and any are arent as at be because been
before being below between both but by can cannot cant could couldnt did didnt do does doesnt doing dont
down during each either else ever few for from further had hadnt has hasnt have havent having he hed hell
hes her here heres hers herself him himself his how hows i id ill im ive if in into is isnt it its itself
just lets me might more most must mustnt my myself neither no nor not of off on once only or other ought
our ours ourselves out over own same shall shant she shed shell shes should shouldnt so some such than
that thats the their theirs them themselves then there theres these they theyd theyll theyre theyve this
those through thus to too under until up upon us very was wasnt we wed well were weve werent what whats
when whens where wheres whether which while who whos whom whose why whys will with wont would wouldnt
yet you youd youll youre youve your yours yourself yourselves also however although though via per
etc onto toward towards within without among amongst across along around beside besides beyond
despite except inside outside since unless whereas whenever wherever whoever whatever whichever
according regarding concerning least`;

const QUESTION_WORDS = `tell explain describe give summarize summarise know knew
happen happened happening anything something everything thing things stuff
kind sort type much many way ways exactly actually really basically
think thinks believe believes feel feels reckon reckons opinion
please pls plz thanks thank thx ty question questions answer wonder wondering curious
someone somebody anyone anybody people guys guy folks everyone`;

const CHAT_FILLER = `hey hi hello yo sup ok okay lol lmao rofl omg wtf btw idk imo imho tbh fyi
u ur ya yeah yep nope nah hmm uh um er like just gonna wanna gotta kinda sorta bot
tho cuz coz bc even rly really actually literally honestly seriously anyway anyways still bro dude mate man
wat wut wot abt bout r n rn smth sth ppl`;

const STOP_WORDS: ReadonlySet<string> = new Set(
  `${FUNCTION_WORDS} ${QUESTION_WORDS} ${CHAT_FILLER}`.split(/\s+/).filter(Boolean),
);

/**
 * Words that open a chat message without being part of the question ("wait so
 * did they agree?", "hold on, who led it?"), though elsewhere they are verbs.
 */
export const CHAT_OPENERS: ReadonlySet<string> = new Set(
  'wait hold hang look listen ok okay so well hey yo right alright anyway um hmm lol bro'.split(
    ' ',
  ),
);

/**
 * Tells whether a word at the start of a message only opens it: a chat opener
 * followed by a stop word ("wait so …", "hold on …"), not by what it acts on
 * ("wait times").
 *
 * @example
 * isChatOpener('wait', 'so') // => true
 * isChatOpener('wait', 'times') // => false
 */
export function isChatOpener(word: string, next: string | undefined): boolean {
  return CHAT_OPENERS.has(word) && next !== undefined && isStopWord(next);
}

/**
 * Tells whether a folded word (see `tokenize`) is a stop word.
 *
 * @example
 * isStopWord('the') // => true
 * isStopWord('ceasefire') // => false
 */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
