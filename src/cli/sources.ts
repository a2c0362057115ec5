/**
 * Lists the articles the bot knows: `npm run sources`. SEEDS_DIR picks the corpus (default ./seeds).
 */
import { renderSources } from '../console/render.ts';
import { Library } from '../library.ts';

const library = await Library.open({ seedsDir: process.env.SEEDS_DIR ?? 'seeds' }).catch(
  (error: Error) => {
    process.stderr.write(`sources: ${error.message}\n`);
    process.exit(1);
  },
);
process.stdout.write(`${renderSources(library.sources(), library.loadedAt)}\n`);
