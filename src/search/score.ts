import type MiniSearch from 'minisearch';
import type { IndexedPassage } from './build.ts';

/** A passage that holds at least one of the searched terms, scored as MiniSearch's `search` scores it. */
export interface EngineMatch {
  /** The passage's position in `SearchIndex.passages`. */
  id: number;
  /** BM25 summed over the terms and fields matched, times the number of terms matched. */
  score: number;
  /** The searched terms it holds, in the order first matched. */
  terms: string[];
  /** For each of {@link terms}: whether the passage's own text holds it, not only its metadata. */
  inText: boolean[];
}

/** Options for {@link scoreTerms}, as MiniSearch's search options name them. */
export interface ScoreOptions {
  /** Weight of a match in each field; a missing or zero boost counts 1, as in MiniSearch. */
  boost: Readonly<Record<'terms' | 'meta', number>>;
  /** Weight of each searched term. */
  boostTerm: (term: string) => number;
  /** Keep only passages for which this holds. Default: all. */
  filter?: (id: number) => boolean;
}

/**
 * What of MiniSearch's index the scoring reads. These members are protected
 * in MiniSearch 7 (there for subclasses), and both `new MiniSearch` and
 * `MiniSearch.loadJS` fill them; `test/score.test.ts` checks every score
 * against `search`, so a MiniSearch that changes them fails there.
 */
interface EngineIndex {
  _index: { get(term: string): ReadonlyMap<number, ReadonlyMap<number, number>> | undefined };
  _documentCount: number;
  _documentIds: ReadonlyMap<number, number>;
  _idToShortId: ReadonlyMap<number, number>;
  _fieldIds: Readonly<Record<string, number>>;
  _fieldLength: ReadonlyMap<number, ReadonlyArray<number>>;
  _avgFieldLength: ReadonlyArray<number>;
}

/** The fields in the order MiniSearch scores them (`ENGINE_OPTIONS.fields`). */
const FIELDS = ['terms', 'meta'] as const;
/** MiniSearch's default BM25+ parameters, which the engine is built with. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 } as const;

interface Candidate extends EngineMatch {
  /** This term's score so far, added to `score` once all fields are read (MiniSearch's order of sums). */
  pending: number;
  /** The position of the last searched term that touched it. */
  last: number;
}

/**
 * Scores passages for some index terms exactly as
 * `engine.search(terms.join(' '), { boost, boostTerm, filter })` does (OR of
 * the terms, BM25+ over both fields, the same sums in the same order, ties
 * kept in the same order), reading MiniSearch's postings directly. Its
 * `search` builds result objects keyed by term and merges them; on the seed
 * that left 1.2–1.3 MB alive through every young-generation collection
 * (`node --trace-gc-nvp`, `new_space_survived`), which made each collection
 * take milliseconds, where this leaves almost nothing; it is also several
 * times faster.
 *
 * @example
 * scoreTerms(index.engine, ['ceasefir'], { boost: { terms: 1, meta: 1 }, boostTerm: () => 1 })[0]?.terms // => ['ceasefir']
 */
export function scoreTerms(
  engine: MiniSearch<IndexedPassage>,
  terms: ReadonlyArray<string>,
  options: ScoreOptions,
): EngineMatch[] {
  const index = engine as unknown as EngineIndex;
  const { boost, boostTerm, filter } = options;
  const total = index._documentCount;
  const byDocument = new Map<number, Candidate>();
  const touched: Candidate[] = [];
  terms.forEach((term, position) => {
    const data = index._index.get(term);
    if (!data) return;
    const termBoost = boostTerm(term);
    for (const field of FIELDS) {
      const fieldId = index._fieldIds[field] ?? -1;
      const frequencies = data.get(fieldId);
      if (!frequencies) continue;
      const weight = termBoost * (boost[field] || 1);
      const inverse = inverseFrequency(frequencies.size, total);
      const average = index._avgFieldLength[fieldId] ?? 1;
      for (const [document, frequency] of frequencies) {
        const id = index._documentIds.get(document);
        if (id === undefined || (filter && !filter(id))) continue;
        const length = index._fieldLength.get(document)?.[fieldId] ?? 0;
        const score = weight * bm25(inverse, frequency, length, average);
        let candidate = byDocument.get(document);
        if (!candidate) {
          candidate = { id, score: 0, terms: [], inText: [], pending: 0, last: -1 };
          byDocument.set(document, candidate);
        }
        if (candidate.last !== position) {
          candidate.last = position;
          candidate.pending = score;
          touched.push(candidate);
          const at = candidate.terms.indexOf(term);
          if (at < 0) {
            candidate.terms.push(term);
            candidate.inText.push(field === 'terms');
          } else candidate.inText[at] = field === 'terms';
        } else candidate.pending += score;
      }
    }
    for (const candidate of touched) candidate.score += candidate.pending;
    touched.length = 0;
  });
  const matches = [...byDocument.values()];
  for (const match of matches) match.score *= match.terms.length || 1;
  return matches.sort((a, b) => b.score - a.score);
}

/** MiniSearch's inverse document frequency of a term in one field, in its words. */
function inverseFrequency(matching: number, total: number): number {
  return Math.log(1 + (total - matching + 0.5) / (matching + 0.5));
}

/** MiniSearch's BM25+ of one term in one field of one document, in its words. */
function bm25(inverse: number, frequency: number, length: number, average: number): number {
  const { k, b, d } = BM25;
  return inverse * (d + (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / average)));
}

/**
 * Whether a passage's own text (not its metadata) holds an index term, read
 * from the engine's postings instead of splitting the passage's terms.
 *
 * @example
 * textHolds(index.engine, 'istanbul')(1) // => true when passage 1 names Istanbul
 */
export function textHolds(
  engine: MiniSearch<IndexedPassage>,
  term: string,
): (id: number) => boolean {
  const index = engine as unknown as EngineIndex;
  const postings = index._index.get(term)?.get(index._fieldIds.terms ?? -1);
  return (id) => {
    const document = index._idToShortId.get(id);
    return postings !== undefined && document !== undefined && postings.has(document);
  };
}

/** Reused by {@link sentenceStrengths}: grown when a passage needs more, never per call. */
let strengthsScratch = new Float64Array(256);
let sentenceStarts = new Int32Array(32);

/**
 * How strongly each sentence of a passage matches each of a question's
 * concepts, read from the passage's terms (terms joined by spaces, sentences
 * by newlines) in place: `strengths[s * concepts.length + c]` is the greatest
 * strength among concept `c`'s terms that sentence `s` holds as a whole term,
 * 0 for none: what a set of each sentence's split terms would give. Splitting
 * made hundreds of strings and sets per answer, most of what an answer left for
 * the garbage collector. `strengths` is reused by the next call: read it before.
 *
 * @example
 * const { sentences, strengths } = sentenceStrengths(question.concepts, passage.terms);
 * strengths[0] // => 1 when the first sentence holds the first concept's own word
 */
export function sentenceStrengths(
  concepts: ReadonlyArray<{ readonly terms: ReadonlyMap<string, number> }>,
  terms: string,
): { sentences: number; strengths: Float64Array } {
  let sentences = 1;
  for (let at = terms.indexOf('\n'); at >= 0; at = terms.indexOf('\n', at + 1)) {
    if (sentences === sentenceStarts.length) {
      const grown = new Int32Array(sentences * 2);
      grown.set(sentenceStarts);
      sentenceStarts = grown;
    }
    sentenceStarts[sentences++] = at + 1;
  }
  const count = concepts.length;
  if (strengthsScratch.length < sentences * count) {
    strengthsScratch = new Float64Array(sentences * count * 2);
  }
  const strengths = strengthsScratch;
  strengths.fill(0, 0, sentences * count);
  for (let position = 0; position < count; position++) {
    for (const [term, value] of (concepts[position] as (typeof concepts)[number]).terms) {
      // An index term is never empty; an empty one would match everywhere and loop forever.
      if (term === '') continue;
      let sentence = 0;
      for (let at = terms.indexOf(term); at >= 0; at = terms.indexOf(term, at + 1)) {
        if (!isWholeTerm(terms, at, term.length)) continue;
        while (sentence + 1 < sentences && (sentenceStarts[sentence + 1] ?? 0) <= at) sentence++;
        const slot = sentence * count + position;
        if (value > (strengths[slot] ?? 0)) strengths[slot] = value;
      }
    }
  }
  return { sentences, strengths };
}

/** Whether `terms[at, at + length)` is a whole term: bounded by a space, a newline or an end. */
function isWholeTerm(terms: string, at: number, length: number): boolean {
  const before = at === 0 ? 32 : terms.charCodeAt(at - 1);
  const after = at + length === terms.length ? 32 : terms.charCodeAt(at + length);
  return (before === 32 || before === 10) && (after === 32 || after === 10);
}
