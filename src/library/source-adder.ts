/**
 * Adding an article URL to `seeds/sources.list`: check the URL, fetch and save
 * the article, list the URL, refresh. Who may add is the caller's check.
 */
import { withoutCredentials } from '../sources/credentials.ts';
import { addressPolicy } from '../sources/fetch-article.ts';
import { fetchSource, type SourcesFetchOptions } from '../sources/refresh-sources.ts';
import {
  appendSource,
  listsSource,
  normalizeSourceUrl,
  readSourcesList,
  sourceArticleId,
} from '../sources/sources-list.ts';
import type { AuditTrail } from './audit.ts';
import type {
  AddSourceRequest,
  AddSourceResult,
  RefreshOptions,
  RefreshReport,
} from './reports.ts';

/** What a {@link SourceAdder} needs: the corpus folder, how to fetch, and how to refresh. */
export interface SourceAdderSettings {
  seedsDir: string;
  sourceFetch: SourcesFetchOptions;
  /** Loads the saved article (`Library.refresh`). */
  refresh: (options: RefreshOptions) => Promise<RefreshReport>;
}

/**
 * Adds sources one list edit at a time (see `Library.addSource`).
 *
 * @example
 * const adder = new SourceAdder({ seedsDir: 'seeds', sourceFetch: {}, refresh: (o) => library.refresh(o) }, audit);
 * (await adder.add('https://news.example/talks', { requestedBy: 'console' })).status // => 'added'
 */
export class SourceAdder {
  /** Edits of the sources list, chained so that two additions never overwrite each other. */
  #listEdits: Promise<unknown> = Promise.resolve();
  readonly #settings: SourceAdderSettings;
  readonly #audit: AuditTrail;

  constructor(settings: SourceAdderSettings, audit: AuditTrail) {
    this.#settings = settings;
    this.#audit = audit;
  }

  /** See `Library.addSource`. */
  async add(input: string, request: AddSourceRequest): Promise<AddSourceResult> {
    const result = await this.#add(input, request);
    this.#audit.sourceAdded(request, result);
    return result;
  }

  async #add(input: string, request: AddSourceRequest): Promise<AddSourceResult> {
    const { seedsDir, sourceFetch } = this.#settings;
    let url: string;
    try {
      url = normalizeSourceUrl(input, addressPolicy(sourceFetch));
    } catch (error) {
      return {
        status: 'invalid',
        reason: (error as Error).message,
        url: withoutCredentials(input.trim()),
      };
    }
    const id = sourceArticleId(url);
    const duplicate: AddSourceResult = { status: 'duplicate', url, id };
    try {
      if (listsSource(await readSourcesList(seedsDir), url)) return duplicate;
    } catch (error) {
      return listFailure(error, url, id);
    }
    const fetched = await fetchSource(seedsDir, url, sourceFetch);
    if (fetched.status !== 'fetched') {
      return { status: 'failed', failure: 'fetch', reason: fetched.reason, url, id };
    }
    const appended = this.#listEdits.then(() => appendSource(seedsDir, url));
    this.#listEdits = appended.catch(() => undefined);
    try {
      if (!(await appended)) return duplicate;
    } catch (error) {
      return listFailure(error, url, id);
    }
    const refresh = await this.#settings.refresh({
      requestedBy: request.requestedBy,
      guildId: request.guildId,
      whenBusy: 'wait',
      fetchSources: false,
    });
    return { status: 'added', title: fetched.title, url, id, refresh };
  }
}

/** The sources list could not be read or written: nothing was added. */
function listFailure(error: unknown, url: string, id: string): AddSourceResult {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return { status: 'failed', failure: 'list', reason, url, id };
}
