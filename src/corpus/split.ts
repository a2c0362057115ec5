/** Options for {@link splitPassages}. */
export interface SplitOptions {
  /** A paragraph longer than this many characters is cut at sentence ends. Default 1200. */
  maxParagraphLength?: number;
  /** Target length of the passages a long paragraph is cut into. Default 600. */
  targetPassageLength?: number;
}

const DEFAULT_SPLIT: Required<SplitOptions> = {
  maxParagraphLength: 1200,
  targetPassageLength: 600,
};

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Splits article text into paragraphs as a reader counts them. Text with blank
 * lines between blocks is read as blank-line-separated paragraphs (lines inside
 * a block are joined); otherwise each line is a paragraph.
 *
 * @example
 * splitParagraphs('First line.\nSecond line.') // => ['First line.', 'Second line.']
 * splitParagraphs('A\nstill A.\n\nB.') // => ['A still A.', 'B.']
 */
export function splitParagraphs(text: string): string[] {
  const normalized = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  const blankLineSeparated = /\n[ \t]*\n/.test(normalized.trim());
  const blocks = blankLineSeparated ? normalized.split(/\n[ \t]*\n/) : normalized.split('\n');
  return blocks
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .filter((block) => block.length > 0);
}

/**
 * Cuts a paragraph too long to read as one answer (a whole speech on one
 * line) at sentence ends into parts of about a news paragraph's length; a
 * shorter paragraph is its own single part. The parts keep the paragraph's
 * number: they are cited as "¶84, part 2".
 *
 * @example
 * splitPassages('Short.') // => ['Short.']
 */
export function splitPassages(paragraph: string, options: SplitOptions = {}): string[] {
  const { maxParagraphLength, targetPassageLength } = { ...DEFAULT_SPLIT, ...options };
  return paragraph.length > maxParagraphLength
    ? splitAtSentences(paragraph, targetPassageLength)
    : [paragraph];
}

/**
 * Splits text into its sentences.
 *
 * @example
 * splitSentences('Mr. Smith came. He left!') // => ['Mr. Smith came.', 'He left!']
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const { segment } of sentenceSegmenter.segment(text)) {
    const sentence = segment.trim();
    if (sentence) sentences.push(sentence);
  }
  return sentences;
}

/** Groups whole sentences into passages of about `target` characters. */
function splitAtSentences(block: string, target: number): string[] {
  const passages: string[] = [];
  let current = '';
  for (const sentence of splitSentences(block)) {
    if (current && current.length + sentence.length + 1 > target) {
      passages.push(current);
      current = sentence;
    } else {
      current = current ? `${current} ${sentence}` : sentence;
    }
  }
  if (current) passages.push(current);
  return passages;
}
