import { type Answer, type AnswerOptions, answer, searchPassages } from './answer/answer.ts';
import { loadCorpus } from './corpus/load.ts';
import type { Article, FileProblem } from './corpus/types.ts';
import { buildIndex, type SearchIndex } from './search/build.ts';

/** Options for {@link Library.open}. */
export interface LibraryOptions {
  /** The corpus folder. */
  seedsDir: string;
  /** Least time between two refreshes, in ms. Default 30 s. */
  refreshCooldownMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** One article as `/sources` lists it. */
export interface SourceSummary {
  id: string;
  title: string;
  titleDerived: boolean;
  publisher: string | null;
  published: string | null;
  url: string | null;
  paragraphs: number;
}

/** What a refresh changed, or why it changed nothing. */
export interface RefreshReport {
  /** `done`: the new corpus serves; `failed`: the old one still does; `busy`/`cooldown`: not run. */
  status: 'done' | 'failed' | 'busy' | 'cooldown';
  /** A sentence for the moderator. */
  message: string;
  articles: { added: string[]; removed: string[]; changed: string[] };
  paragraphs: { added: number; removed: number };
  /** Files that were skipped, with why; the others still loaded. */
  problems: FileProblem[];
  durationMs: number;
  /** When a refresh may run again (epoch ms), for `cooldown`. */
  retryAt?: number;
}

/** The corpus and its index, always swapped together. */
interface Edition {
  index: SearchIndex;
  loadedAt: Date;
}

const DEFAULT_REFRESH_COOLDOWN_MS = 30_000;

/**
 * The one piece of live state: the articles the bot knows and their index.
 * A refresh builds a new index beside the serving one and swaps it in with one
 * assignment, so questions asked meanwhile are answered from the old one.
 *
 * @example
 * const library = await Library.open({ seedsDir: 'seeds' });
 * library.answer('Who led Ukraine’s delegation?').results[0]?.source.paragraph // => 22
 */
export class Library {
  #edition: Edition;
  #refreshing: Promise<RefreshReport> | null = null;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;
  readonly #options: Required<LibraryOptions>;

  private constructor(edition: Edition, options: Required<LibraryOptions>) {
    this.#edition = edition;
    this.#options = options;
  }

  /**
   * Loads the corpus and builds the index.
   * @throws when the folder cannot be read or holds no usable article: a bot with nothing to say should not start.
   */
  static async open(options: LibraryOptions): Promise<Library> {
    const resolved = { refreshCooldownMs: DEFAULT_REFRESH_COOLDOWN_MS, now: Date.now, ...options };
    const { articles, problems } = await loadCorpus(resolved.seedsDir);
    if (articles.length === 0) {
      const details = problems.map((p) => `${p.file}: ${p.reason}`).join('; ');
      throw new Error(
        `No article could be loaded from ${resolved.seedsDir}${details ? ` (${details})` : ''}; add a .txt file there.`,
      );
    }
    return new Library(
      { index: buildIndex(articles), loadedAt: new Date(resolved.now()) },
      resolved,
    );
  }

  /** The index now serving. */
  get index(): SearchIndex {
    return this.#edition.index;
  }

  /** When the serving corpus was loaded. */
  get loadedAt(): Date {
    return this.#edition.loadedAt;
  }

  /** Answers a question from the serving index (see {@link answer}). */
  answer(question: string, options?: AnswerOptions): Answer {
    return answer(this.#edition.index, question, options);
  }

  /** Looks passages up in the serving index (see {@link searchPassages}). */
  search(query: string, options?: AnswerOptions): Answer {
    return searchPassages(this.#edition.index, query, options);
  }

  /** The articles the bot knows, for `/sources`. */
  sources(): SourceSummary[] {
    return this.#edition.index.articles.map((article) => ({
      id: article.id,
      title: article.title,
      titleDerived: article.titleDerived,
      publisher: article.publisher,
      published: article.published,
      url: article.url,
      paragraphs: article.paragraphs.filter((p) => !p.boilerplate).length,
    }));
  }

  /**
   * Reads the corpus again and swaps the new index in when it is ready. Only
   * one refresh runs at a time (a second call gets `busy`), and refreshes are
   * at least `refreshCooldownMs` apart. Never throws: a failure leaves the old
   * index serving and says why.
   */
  refresh(): Promise<RefreshReport> {
    const started = this.#options.now();
    if (this.#refreshing)
      return Promise.resolve(
        skipped('busy', 'A refresh is already running; its result will be posted when it ends.'),
      );
    const retryAt = this.#lastRefreshAt + this.#options.refreshCooldownMs;
    if (started < retryAt) {
      return Promise.resolve({
        ...skipped('cooldown', 'The content was refreshed moments ago; try again shortly.'),
        retryAt,
      });
    }
    this.#lastRefreshAt = started;
    this.#refreshing = this.#rebuild(started).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #rebuild(started: number): Promise<RefreshReport> {
    const elapsed = () => Math.round(this.#options.now() - started);
    let loaded: { articles: Article[]; problems: FileProblem[] };
    try {
      loaded = await loadCorpus(this.#options.seedsDir);
    } catch (error) {
      return failed(
        `could not read ${this.#options.seedsDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        [],
        elapsed(),
      );
    }
    if (loaded.articles.length === 0)
      return failed('no article in the new content could be loaded', loaded.problems, elapsed());
    const previous = this.#edition.index.articles;
    const index = buildIndex(loaded.articles);
    this.#edition = { index, loadedAt: new Date(this.#options.now()) };
    const changes = compareCorpora(previous, loaded.articles);
    return {
      status: 'done',
      message: `Refreshed: ${loaded.articles.length} articles, ${index.passages.length} passages.`,
      ...changes,
      problems: loaded.problems,
      durationMs: elapsed(),
    };
  }
}

function skipped(status: 'busy' | 'cooldown', message: string): RefreshReport {
  return {
    status,
    message,
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems: [],
    durationMs: 0,
  };
}

function failed(why: string, problems: FileProblem[], durationMs: number): RefreshReport {
  return {
    status: 'failed',
    message: `Nothing changed: ${why}. The previous content is still being served.`,
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems,
    durationMs,
  };
}

/**
 * What changed between two corpora: articles by id, paragraphs by id and text.
 *
 * @example
 * compareCorpora([a], [a, b]).articles.added // => ['b']
 */
export function compareCorpora(
  before: ReadonlyArray<Article>,
  after: ReadonlyArray<Article>,
): Pick<RefreshReport, 'articles' | 'paragraphs'> {
  const paragraphKeys = (articles: ReadonlyArray<Article>) =>
    new Set(
      articles.flatMap((a) =>
        a.paragraphs.filter((p) => !p.boilerplate).map((p) => `${a.id}#${p.number}\n${p.text}`),
      ),
    );
  const oldById = new Map(before.map((a) => [a.id, a]));
  const newIds = new Set(after.map((a) => a.id));
  const oldKeys = paragraphKeys(before);
  const newKeys = paragraphKeys(after);
  return {
    articles: {
      added: after.filter((a) => !oldById.has(a.id)).map((a) => a.id),
      removed: before.filter((a) => !newIds.has(a.id)).map((a) => a.id),
      changed: after
        .filter((a) => {
          const old = oldById.get(a.id);
          return old !== undefined && JSON.stringify(old) !== JSON.stringify(a);
        })
        .map((a) => a.id),
    },
    paragraphs: {
      added: [...newKeys].filter((key) => !oldKeys.has(key)).length,
      removed: [...oldKeys].filter((key) => !newKeys.has(key)).length,
    },
  };
}
