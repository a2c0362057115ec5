import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyBoilerplate } from '../src/corpus/boilerplate.ts';
import {
  deriveTitle,
  formatPublished,
  MetadataError,
  parseMetadata,
} from '../src/corpus/metadata.ts';
import { splitParagraphs, splitPassages, splitSentences } from '../src/corpus/split.ts';

const SEED = readFileSync(new URL('../seeds/000_54ae5372d3de91ff.txt', import.meta.url), 'utf8');

describe('splitting', () => {
  it('reads one paragraph per line', () => {
    expect(splitParagraphs('One.\r\nTwo.\r\n Three. \n')).toEqual(['One.', 'Two.', 'Three.']);
  });

  it('reads blank-line separated blocks, joining their lines', () => {
    expect(splitParagraphs('First line\nstill first.\n\nSecond.')).toEqual([
      'First line still first.',
      'Second.',
    ]);
  });

  it('keeps a whole speech on one line as one paragraph, and cuts it into passages at sentence ends', () => {
    const speech = Array.from(
      { length: 60 },
      (_, i) => `This is sentence number ${i} of the speech.`,
    ).join(' ');
    expect(splitParagraphs(speech)).toEqual([speech]);
    const passages = splitPassages(speech);
    expect(passages.length).toBeGreaterThan(2);
    for (const passage of passages) {
      expect(passage.length).toBeLessThanOrEqual(650);
      expect(passage).toMatch(/\.$/);
    }
    expect(passages.join(' ')).toBe(speech);
  });

  it('splits sentences', () => {
    expect(splitSentences('He came. Then he left! Fine?')).toEqual([
      'He came.',
      'Then he left!',
      'Fine?',
    ]);
  });
});

describe('boilerplate', () => {
  it('finds exactly the ten boilerplate lines of the seed article', () => {
    const flagged = splitParagraphs(SEED)
      .map((text, i) => [i + 1, classifyBoilerplate(text)] as const)
      .filter(([, kind]) => kind !== null);
    expect(flagged).toEqual([
      [5, 'headline'],
      [8, 'headline'],
      [9, 'headline'],
      [10, 'headline'],
      [16, 'label'],
      [17, 'headline'],
      [18, 'headline'],
      [24, 'video-notice'],
      [30, 'video-notice'],
      [34, 'promo'],
    ]);
  });

  it.each([
    ['Related:', 'label'],
    ['Watch: the full interview', 'promo'],
    ['Your browser does not support the video player.', 'video-notice'],
    ['Subscribe to our newsletter every Monday', 'promo'],
    ['Talks in Geneva end without a deal', 'headline'],
    ['The talks ended without a deal.', null],
    ['“We will not give up,” he said.', null],
  ])('%s → %s', (line, kind) => {
    expect(classifyBoilerplate(line)).toBe(kind);
  });
});

describe('metadata', () => {
  it('parses a sidecar', () => {
    expect(parseMetadata('{"publisher":"Sky News","published":"2025-05-16","url":null}')).toEqual({
      publisher: 'Sky News',
      published: '2025-05-16',
      url: null,
    });
  });

  it('reads who wrote or spoke the text from the author field', () => {
    expect(parseMetadata('{"author":" Barack Obama "}')).toEqual({ author: 'Barack Obama' });
    expect(() => parseMetadata('{"author":7}')).toThrow('"author" must be a non-empty string');
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /JSON object/],
    ['{"date":"2025-05-16"}', /unknown metadata field "date"/],
    ['{"published":"16 May 2025"}', /YYYY-MM-DD/],
    ['{"published":"2025-13-45"}', /YYYY-MM-DD/],
    ['{"published":"2025-02-30"}', /YYYY-MM-DD/],
    ['{"url":"javascript:alert(1)"}', /http/],
    ['{"title":42}', /non-empty string/],
  ])('rejects %s', (json, message) => {
    expect(() => parseMetadata(json)).toThrow(MetadataError);
    expect(() => parseMetadata(json)).toThrow(message);
  });

  it('writes a published date as a reader does', () => {
    expect(formatPublished('2025-05-16')).toBe('16 May 2025');
    expect(formatPublished('2024-03-05')).toBe('5 March 2024');
    expect(formatPublished('sometime')).toBe('sometime');
  });

  it('derives a short title from the first sentence', () => {
    expect(deriveTitle('Short one. Then more.')).toBe('Short one.');
    const long = deriveTitle(SEED.split('\n')[0] ?? '');
    expect(long.length).toBeLessThanOrEqual(91);
    expect(long.endsWith('…')).toBe(true);
  });
});
