/** What the bot knows about an article besides its text. */
export interface ArticleMeta {
  /** File name without extension; stable, and part of every paragraph id. */
  id: string;
  title: string;
  /** True when the file gave no title and it was derived from the first paragraph. */
  titleDerived: boolean;
  publisher: string | null;
  /** Who wrote or spoke it ("Barack Obama"); absent or null when unknown. */
  author?: string | null;
  /** Publication date as YYYY-MM-DD, or null when unknown. */
  published: string | null;
  /** Where the article can be read; null when unknown, never guessed. */
  url: string | null;
}

/**
 * An article's metadata without its paragraphs, for what is kept per passage or listed.
 *
 * @example
 * articleMeta(article) // => { id, title, titleDerived, publisher, author, published, url }
 */
export function articleMeta({
  id,
  title,
  titleDerived,
  publisher,
  author,
  published,
  url,
}: ArticleMeta): ArticleMeta {
  return {
    id,
    title,
    titleDerived,
    publisher,
    ...(author !== undefined ? { author } : {}),
    published,
    url,
  };
}

/** One paragraph as a reader would count it. */
export interface Paragraph {
  /** 1-based position among the article's paragraphs, boilerplate included. */
  number: number;
  text: string;
  /** Why the paragraph is not an answer (see `boilerplate.ts`), or null when it is content. */
  boilerplate: BoilerplateKind | null;
}

export type BoilerplateKind = 'label' | 'video-notice' | 'promo' | 'headline';

export interface Article extends ArticleMeta {
  paragraphs: Paragraph[];
}

/** A file the loader skipped, and why, in words an operator can act on. */
export interface FileProblem {
  file: string;
  reason: string;
}
