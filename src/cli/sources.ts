/**
 * Lists the articles the bot knows: `npm run sources`. SEEDS_DIR (from the environment or `.env`) picks the corpus (default ./seeds).
 */

import { loadConfigOrExit } from '../config.ts';
import { renderSources } from '../console/render.ts';
import { Library } from '../library/library.ts';

const library = await Library.open({ seedsDir: loadConfigOrExit().seedsDir }).catch(
  (error: Error) => {
    process.stderr.write(`sources: ${error.message}\n`);
    process.exit(1);
  },
);
process.stdout.write(`${renderSources(library.sources(), library.loadedAt)}\n`);
