/**
 * Looks passages up from the command line: `npm run search -- sanctions`.
 * SEEDS_DIR (from the environment or `.env`) picks the corpus (default ./seeds).
 */

import { loadConfigOrExit } from '../config.ts';
import { ANSI_STYLE, PLAIN_STYLE, renderAnswer } from '../console/render.ts';
import { Library } from '../library/library.ts';

const library = await Library.open({ seedsDir: loadConfigOrExit().seedsDir }).catch(
  (error: Error) => {
    process.stderr.write(`search: ${error.message}\n`);
    process.exit(1);
  },
);
const answer = await library.search(process.argv.slice(2).join(' '), { limit: 5 });
process.stdout.write(`${renderAnswer(answer, process.stdout.isTTY ? ANSI_STYLE : PLAIN_STYLE)}\n`);
