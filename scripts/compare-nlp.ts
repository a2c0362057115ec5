/**
 * The measurement behind the choice of language library (see `src/text/language.ts`):
 * wink-nlp with wink-eng-lite-web-model against compromise with compromise-dates,
 * on the seed article and three addresses. Prints each one's time and what it
 * reads in a sample: sentences, lemmas, and dates, numbers, people and places.
 *
 *   npx tsx scripts/compare-nlp.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nlp from 'compromise';
import dates from 'compromise-dates';
import model from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';

const root = join(import.meta.dirname, '..');
const files = [
  'seeds/000_54ae5372d3de91ff.txt',
  'test/eval/articles/sotu-1941.txt',
  'test/eval/articles/sotu-1962.txt',
  'test/eval/articles/sotu-2016.txt',
];
const paragraphs = files
  .flatMap((file) => readFileSync(join(root, file), 'utf8').split('\n'))
  .filter(Boolean);
const SAMPLE =
  'Mr. Peskov said the talks in Istanbul lasted two hours on Friday. Zelenskyy led Ukraine’s delegation; Russia’s was led by Vladimir Medinsky. They agreed to swap 1,000 prisoners each. Children were running and mice ate cheese; he was better and went away.';

const wink = winkNLP(model, ['sbd', 'pos', 'ner']);
const its = wink.its;
const lemma = its.lemma as unknown as typeof its.value;
let started = performance.now();
let tokens = 0;
for (const text of paragraphs) {
  const doc = wink.readDoc(text);
  doc.tokens().out(lemma);
  doc.sentences().out();
  doc.entities().out(its.detail);
  tokens += doc.tokens().length();
}
const winkMs = performance.now() - started;

nlp.plugin(dates);
started = performance.now();
for (const text of paragraphs) {
  const doc = nlp(text);
  doc.compute('root');
  doc.json();
  doc.sentences().out('array');
  doc.people().out('array');
  doc.places().out('array');
  (doc as unknown as { dates(): { json(): unknown } }).dates().json();
}
const compromiseMs = performance.now() - started;

console.log(`${paragraphs.length} paragraphs, ${tokens} tokens`);
console.log(
  `wink-nlp:   ${winkMs.toFixed(0)} ms (${Math.round(tokens / (winkMs / 1000))} tokens/s)`,
);
console.log(
  `compromise: ${compromiseMs.toFixed(0)} ms (${Math.round(tokens / (compromiseMs / 1000))} tokens/s)`,
);
const doc = wink.readDoc(SAMPLE);
console.log('\nwink sentences:', doc.sentences().out());
console.log('wink lemmas:', doc.tokens().out(lemma).join(' '));
console.log('wink entities:', JSON.stringify(doc.entities().out(its.detail)));
const other = nlp(SAMPLE);
other.compute('root');
console.log('\ncompromise sentences:', other.sentences().out('array'));
console.log(
  'compromise roots:',
  (other.json() as Array<{ terms: Array<{ root?: string; normal: string }> }>)
    .flatMap((sentence) => sentence.terms.map((term) => term.root ?? term.normal))
    .join(' '),
);
console.log(
  'compromise people, places, dates, values:',
  other.people().out('array'),
  other.places().out('array'),
  (other as unknown as { dates(): { out(f: string): unknown } }).dates().out('array'),
  (other as unknown as { values(): { out(f: string): unknown } }).values().out('array'),
);
