import englishModel from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';
import { foldPunctuation } from './normalize.ts';

/**
 * Language analysis by wink-nlp with its English model (wink-eng-lite-web-model):
 * sentences, tokens with their lemma and part of speech, stop words, and the
 * entities that tell what kind of answer a sentence holds (dates, numbers,
 * durations). Chosen over compromise + compromise-dates by measurement
 * (`npx tsx scripts/compare-nlp.ts`, 139 paragraphs, 19k tokens): wink read
 * them 10–16 times faster (≈50–180k tokens/s against ≈3–18k, by machine load),
 * with the same sentences and the same lemmas on the sample ("led" → "lead",
 * "mice" → "mouse"), and dates, durations, counts and money as entities.
 * compromise also names people and places; wink's lite model leaves those to
 * proper-noun tags, which is what ranking needs, and indexing 100k paragraphs
 * at compromise's speed would take many minutes.
 */
type Nlp = ReturnType<typeof winkNLP>;
let loaded: { nlp: Nlp; its: Nlp['its']; lemma: Nlp['its']['value'] } | undefined;

/**
 * The model, loaded on first use: loading it takes a few hundred milliseconds,
 * which a process that never reads text (a thread that only talks to Discord)
 * should not pay.
 */
function model(): NonNullable<typeof loaded> {
  if (!loaded) {
    const nlp = winkNLP(englishModel, ['sbd', 'pos', 'ner']);
    // wink's type declarations give `its.lemma` a document's signature; on tokens it reads like `its.value`.
    loaded = { nlp, its: nlp.its, lemma: nlp.its.lemma as unknown as Nlp['its']['value'] };
  }
  return loaded;
}

const stopLemmas = new Map<string, boolean>();

/**
 * Whether a lemma is in wink's English stop-word list. The model flags
 * tokens by their written form ("said" is not flagged, "say" is); a word and
 * its inflections must agree, so the lemma decides.
 *
 * @example
 * isStopLemma('say') // => true
 */
export function isStopLemma(lemma: string): boolean {
  let stop = stopLemmas.get(lemma);
  if (stop === undefined) {
    const { nlp, its } = model();
    const flags = nlp.readDoc(lemma).tokens().out(its.stopWordFlag) as unknown as boolean[];
    stop = flags.length === 1 && flags[0] === true;
    if (stopLemmas.size > 100_000) stopLemmas.clear();
    stopLemmas.set(lemma, stop);
  }
  return stop;
}

/** Kinds of answer a sentence can hold, as bits (see {@link Kind}). */
export const Kind = {
  /** A date or a time of day (wink entities DATE, TIME). */
  time: 1,
  /** A count, sum or share (CARDINAL, MONEY, PERCENT). */
  number: 2,
  /** A length of time (DURATION). */
  duration: 4,
  /** A proper noun: a name of someone or something. */
  name: 8,
  /** A proper noun after a preposition ("in Istanbul", "from Ohio"). */
  place: 16,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const ENTITY_KINDS: Readonly<Record<string, number>> = {
  DATE: Kind.time,
  TIME: Kind.time,
  CARDINAL: Kind.number,
  MONEY: Kind.number,
  PERCENT: Kind.number,
  DURATION: Kind.duration,
};

/** One token of a text as the model reads it. */
export interface Token {
  /** As written. */
  value: string;
  /** Lower-cased, contractions expanded ("n't" → "not"). */
  normal: string;
  lemma: string;
  /** Universal part-of-speech tag (NOUN, VERB, PROPN, AUX, PRON, ADP, NUM, PUNCT, …). */
  pos: string;
  /** It or its lemma is in wink's English stop-word list. */
  stop: boolean;
  /** word, number, punctuation, symbol, currency, … */
  type: string;
  /** Whether spaces come before it: a hyphen with none joins a compound ("cease-fire"). */
  spaced: boolean;
}

/** One sentence: where it ends in the text, and the kinds of answer it holds. */
export interface SentenceInfo {
  /** Character offset just past its end. */
  end: number;
  /** Bits of {@link Kind}. */
  kinds: number;
}

/** What the model read in one text. */
export interface TextAnalysis {
  tokens: Token[];
  /** The sentence of each token, by position in {@link sentences}. */
  sentenceOf: number[];
  sentences: SentenceInfo[];
}

/**
 * Reads a text with the language model.
 *
 * @example
 * const { tokens, sentences } = analyzeText('Talks lasted two hours. They met in Istanbul.');
 * tokens[1]?.lemma // => 'last'
 * sentences[0]?.kinds === Kind.duration // => true
 */
export function analyzeText(text: string): TextAnalysis {
  // Curly quotes and dashes as plain ones (same length): the model reads "Russia‘s" as a possessive only so.
  const { nlp, its, lemma } = model();
  const plain = foldPunctuation(text);
  const doc = nlp.readDoc(plain);
  const tokens: Token[] = [];
  // One collection read seven times: each `doc.tokens()` builds a new one, a third of what reading a question allocated.
  const all = doc.tokens();
  const values = all.out(its.value) as string[];
  const normals = all.out(its.normal) as string[];
  const lemmas = all.out(lemma) as string[];
  const tags = all.out(its.pos) as string[];
  const stops = all.out(its.stopWordFlag) as unknown as boolean[];
  const types = all.out(its.type) as string[];
  const spaces = all.out(its.precedingSpaces) as string[];
  for (let i = 0; i < values.length; i++) {
    tokens.push({
      value: values[i] ?? '',
      normal: normals[i] ?? '',
      lemma: lemmas[i] ?? '',
      pos: tags[i] ?? '',
      // Only a lemma other than the word itself needs a look of its own.
      stop:
        (stops[i] ?? false) ||
        (lemmas[i] !== normals[i] && types[i] === 'word' && isStopLemma(lemmas[i] ?? '')),
      type: types[i] ?? '',
      spaced: (spaces[i] ?? '') !== '',
    });
  }
  const spans = doc.sentences().out(its.span) as unknown as Array<[number, number]>;
  const sentenceOf = new Array<number>(tokens.length).fill(0);
  const sentences: SentenceInfo[] = [];
  let cursor = 0;
  spans.forEach(([first, last], s) => {
    let kinds = 0;
    for (let t = first; t <= last; t++) {
      sentenceOf[t] = s;
      const token = tokens[t];
      if (!token) continue;
      const at = plain.indexOf(token.value, cursor);
      if (at >= 0) cursor = at + token.value.length;
      if (token.pos === 'PROPN') {
        kinds |= Kind.name;
        if (tokens[t - 1]?.pos === 'ADP') kinds |= Kind.place;
      }
    }
    sentences.push({ end: cursor, kinds });
  });
  const entitySpans = doc.entities().out(its.span) as unknown as Array<[number, number]>;
  const entityDetails = doc.entities().out(its.detail) as unknown as Array<{ type: string }>;
  entitySpans.forEach(([first], e) => {
    const sentence = sentences[sentenceOf[first] ?? 0];
    const kind = ENTITY_KINDS[entityDetails[e]?.type ?? ''];
    if (sentence && kind) sentence.kinds |= kind;
  });
  const last = sentences.at(-1);
  if (last) last.end = text.length;
  return { tokens, sentenceOf, sentences };
}
