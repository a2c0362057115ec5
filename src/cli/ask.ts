/**
 * Answers questions from the command line.
 *
 *   npm run ask -- "Who led Ukraine's delegation?"          # readable
 *   npm run --silent ask -- --json "Who led it?"             # one JSON object
 *   printf 'q1\nq2\n' | npm run --silent ask -- --json        # one JSON object per line
 *
 * SEEDS_DIR (from the environment or `.env`) picks the corpus (default ./seeds). Logs go to stderr, never stdout.
 */
import { createInterface } from 'node:readline';
import type { Answer } from '../answer/answer.ts';
import { loadConfigOrExit } from '../config.ts';
import { ANSI_STYLE, PLAIN_STYLE, renderAnswer } from '../console/render.ts';
import { Library } from '../library/library.ts';

/**
 * The machine-readable form of an answer; other tools depend on exactly these fields.
 *
 * @example
 * toJsonAnswer(answer, 1.2) // => { question, answered, code?, reason?, ms: 1.2, results: [{ text, highlight, score, source }] }
 */
export function toJsonAnswer(answer: Answer, ms: number) {
  return {
    question: answer.question,
    answered: answer.answered,
    ...(answer.code !== undefined ? { code: answer.code } : {}),
    ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
    ...(answer.suggestions !== undefined ? { suggestions: answer.suggestions } : {}),
    ms: Math.round(ms * 1000) / 1000,
    results: answer.results.map(({ text, highlight, score, source }) => ({
      text,
      highlight,
      score,
      source: {
        article: source.article,
        title: source.title,
        publisher: source.publisher,
        published: source.published,
        url: source.url,
        paragraph: source.paragraph,
      },
    })),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const question = args.filter((arg) => arg !== '--json').join(' ');
  const library = await Library.open({ seedsDir: loadConfigOrExit().seedsDir });
  const ask = async (text: string) => {
    const started = performance.now();
    const answer = await library.answer(text);
    const ms = performance.now() - started;
    if (json) return JSON.stringify(toJsonAnswer(answer, ms));
    return renderAnswer(answer, process.stdout.isTTY ? ANSI_STYLE : PLAIN_STYLE);
  };
  if (question || process.stdin.isTTY) {
    process.stdout.write(`${await ask(question)}\n`);
    return;
  }
  for await (const line of createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    process.stdout.write(`${await ask(line)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ask: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
