/**
 * What refreshes the library besides `/refresh` and the console: a signal
 * from the operator and changes to the seeds folder. The operator is trusted,
 * so no cooldown applies to either.
 */
import { watch } from 'node:fs';
import { extname } from 'node:path';
import { ARTICLE_EXTENSIONS } from '../corpus/load.ts';
import type { LibraryEvent } from './audit.ts';
import type { Library } from './library.ts';
import type { RefreshOptions } from './reports.ts';

/** Quiet time after the last file change before {@link watchSeeds} refreshes. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 500;

/**
 * Refreshes the library when the process receives `signal`, so an operator
 * can reload with `kill -HUP <pid>`. The operator is trusted, so no cooldown
 * applies (only `/refresh` has one); a signal during a refresh runs another one after it (the
 * running one may have read the files before the change), and signals arriving
 * meanwhile are merged into that one. Sources are fetched as for `/refresh`.
 *
 * @returns a function that stops listening
 * @example
 * const stop = reloadOnSignal(library, 'SIGHUP', (event) => logger.info(event));
 */
export function reloadOnSignal(
  library: Library,
  signal: NodeJS.Signals = 'SIGHUP',
  log: (event: LibraryEvent) => void = () => {},
): () => void {
  const trigger = refreshTrigger(library, { requestedBy: signal });
  const onSignal = () => {
    log({ event: 'signal', at: new Date().toISOString(), signal });
    void trigger();
  };
  process.on(signal, onSignal);
  return () => {
    process.off(signal, onSignal);
  };
}

/** Options for {@link watchSeeds}. */
export interface WatchSeedsOptions {
  /** Quiet time after the last change before refreshing, in ms. Default {@link DEFAULT_WATCH_DEBOUNCE_MS}. */
  debounceMs?: number;
  /** Receives `watch-error` events. Default: none. */
  log?: (event: LibraryEvent) => void;
}

/**
 * Refreshes the library when article files in its seeds folder change (for
 * `WATCH_SEEDS=true`). Changes are debounced; no cooldown applies;
 * sources are not fetched (a file edit should not hit the network, and the
 * files a fetch saves would otherwise trigger another round).
 *
 * @returns a function that stops watching
 * @example
 * const stop = watchSeeds(library, { debounceMs: 500 });
 */
export function watchSeeds(library: Library, options: WatchSeedsOptions = {}): () => void {
  const { debounceMs = DEFAULT_WATCH_DEBOUNCE_MS, log = () => {} } = options;
  const trigger = refreshTrigger(library, {
    requestedBy: 'seeds watcher',
    fetchSources: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(library.seedsDir, (_event, name) => {
    if (name !== null && !isCorpusFile(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void trigger(), debounceMs);
  });
  watcher.on('error', (error) => {
    log({
      event: 'watch-error',
      at: new Date().toISOString(),
      seedsDir: library.seedsDir,
      error: error.message,
    });
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

/** Article texts and their sidecars; dot files are temporary files being written. */
function isCorpusFile(name: string): boolean {
  const extension = extname(name).toLowerCase();
  return (
    !name.startsWith('.') &&
    (extension === '.json' || (ARTICLE_EXTENSIONS as readonly string[]).includes(extension))
  );
}

/**
 * A trigger for refreshes that a running refresh may have missed: each call
 * runs one refresh once the library is idle, and calls made before that
 * refresh starts are merged into it.
 */
function refreshTrigger(library: Library, options: RefreshOptions): () => Promise<void> {
  let queued: Promise<void> | null = null;
  return () => {
    if (queued) return queued;
    const run = (async () => {
      await library.idle();
      queued = null;
      await library.refresh({ ...options, whenBusy: 'wait' });
    })();
    queued = run;
    return run;
  };
}
