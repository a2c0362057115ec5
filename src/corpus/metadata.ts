import { trimEndWhere } from '../text/trim.ts';
import type { ArticleMeta } from './types.ts';

/**
 * An article's metadata lives in a sidecar file beside its text:
 * `seeds/<id>.txt` is the text and `seeds/<id>.json` (optional) holds
 *
 * ```json
 * { "title": "…", "author": "Jane Doe", "publisher": "Sky News", "published": "2025-05-16", "url": null }
 * ```
 *
 * Every field is optional. The text file stays exactly as published, and a
 * plain `.txt` with no sidecar still loads (its title is then derived).
 */
export type ArticleMetadata = Partial<
  Pick<ArticleMeta, 'title' | 'author' | 'publisher' | 'published' | 'url'>
>;

const KNOWN_FIELDS = new Set(['title', 'author', 'publisher', 'published', 'url']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Metadata that cannot be used; the message says which field and how to fix it. */
export class MetadataError extends Error {
  override name = 'MetadataError';
}

/**
 * Parses and validates a sidecar's JSON.
 *
 * @example
 * parseMetadata('{"publisher":"Sky News","published":"2025-05-16"}')
 * // => { publisher: 'Sky News', published: '2025-05-16' }
 * @throws {MetadataError} when the JSON is malformed or a field has the wrong form.
 */
export function parseMetadata(json: string): ArticleMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new MetadataError(`metadata is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MetadataError('metadata must be a JSON object like {"title": "…"}');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new MetadataError(
        `unknown metadata field "${key}"; use title, author, publisher, published, url`,
      );
    }
  }
  const metadata: ArticleMetadata = {};
  for (const field of ['title', 'author', 'publisher'] as const) {
    const text = optionalString(record, field);
    if (text) metadata[field] = text;
  }
  const published = optionalString(record, 'published');
  if (published !== undefined) {
    if (published !== null && !isValidDate(published)) {
      throw new MetadataError(`"published" must be a date as YYYY-MM-DD, not "${published}"`);
    }
    metadata.published = published;
  }
  const url = optionalString(record, 'url');
  if (url !== undefined) {
    if (url !== null && !/^https?:\/\//i.test(url)) {
      throw new MetadataError(`"url" must start with http:// or https://, not "${url}"`);
    }
    metadata.url = url;
  }
  return metadata;
}

function optionalString(record: Record<string, unknown>, field: string): string | null | undefined {
  const value = record[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new MetadataError(`"${field}" must be a non-empty string or null`);
  }
  return value.trim();
}

function isValidDate(text: string): boolean {
  // Date.parse accepts 30 February, so the date must survive a round trip.
  const date = new Date(`${text}T00:00:00Z`);
  return (
    ISO_DATE.test(text) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
  );
}

/** Made once: building an Intl formatter costs more than formatting with it. */
const READABLE_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * A published date (YYYY-MM-DD) as a reader writes it; anything else as given.
 *
 * @example
 * formatPublished('2025-05-16') // => '16 May 2025'
 */
export function formatPublished(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : READABLE_DATE.format(date);
}

/** Longest derived title, in characters; longer first sentences are cut at a word. */
const DERIVED_TITLE_LENGTH = 90;
/** Punctuation and space a derived title should not end with before its "…". */
const TITLE_TRAILER = /^[\s,;:–-]$/;

/**
 * Derives a title from an article's first paragraph: its first sentence, cut
 * at a word boundary when long. Callers mark the result as derived.
 *
 * @example
 * deriveTitle('Talks ended early. More later.') // => 'Talks ended early.'
 */
export function deriveTitle(firstParagraph: string): string {
  const firstSentence = firstParagraph.split(/(?<=[.!?])\s/)[0] ?? firstParagraph;
  if (firstSentence.length <= DERIVED_TITLE_LENGTH) return firstSentence;
  const cut = firstSentence.slice(0, DERIVED_TITLE_LENGTH);
  return `${trimEndWhere(cut.slice(0, cut.lastIndexOf(' ')), (c) => TITLE_TRAILER.test(c))}…`;
}
