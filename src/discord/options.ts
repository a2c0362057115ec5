/**
 * Autocomplete choices for command options, and checks of submitted option
 * values: Discord does not force a submitted value to be one of the choices,
 * so every value is checked again when the command runs.
 */
import type { ArticleMeta } from '../corpus/types.ts';
import type { Library } from '../library/library.ts';
import { Limits } from './constants.ts';
import { toChoices } from './render.ts';
import { codePointLength, plainText, truncate } from './text.ts';

/**
 * Autocomplete cannot be deferred: past Discord's 3 s the member sees an
 * error. Suggestions later than this (an answer worker busy loading an
 * index) are dropped for an empty list.
 */
const AUTOCOMPLETE_BUDGET_MS = 2000;

type Choice = { name: string; value: string };

/**
 * The choices, or none when they are not ready within the autocomplete budget.
 *
 * @example
 * await interaction.respond(await choicesInTime(questionChoices(library, typed)));
 */
export async function choicesInTime(choices: Promise<Choice[]>): Promise<Choice[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Choice[]>((resolve) => {
    timer = setTimeout(() => resolve([]), AUTOCOMPLETE_BUDGET_MS);
  });
  try {
    return await Promise.race([choices, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Longest publisher name shown in a `source` choice. */
const PUBLISHER_IN_CHOICE = 30;

/**
 * Choices for a question or query option while it is being typed.
 *
 * @example
 * await interaction.respond(await questionChoices(library, interaction.options.getFocused()));
 */
export async function questionChoices(
  library: Library,
  typed: string,
): Promise<Array<{ name: string; value: string }>> {
  return toChoices(
    await library.completeQuery(typed, { limit: Limits.choices, maxLength: Limits.choiceValue }),
  );
}

/**
 * Choices for the `source` option: matching articles, named by title, valued by id.
 *
 * @example
 * await sourceChoices(library, 'sky') // => [{ name: 'Russia and Ukraine failed…', value: '000_54ae5372d3de91ff' }]
 */
export async function sourceChoices(
  library: Library,
  typed: string,
): Promise<Array<{ name: string; value: string }>> {
  return toChoices(
    (await library.completeSource(typed, Limits.choices)).map((article) => ({
      name: sourceChoiceName(article),
      value: article.id,
    })),
  );
}

/**
 * The article a submitted `source` value names: its id, its exact title, or
 * the name of its choice (some clients submit the name).
 *
 * @example
 * (await resolveSource(library, '000_54ae5372d3de91ff'))?.publisher // => 'Sky News'
 */
export async function resolveSource(
  library: Library,
  value: string,
): Promise<ArticleMeta | undefined> {
  return (
    (await library.findArticle(value)) ??
    library.sources().find((article) => sourceChoiceName(article) === value.trim())
  );
}

/** `Title (Publisher)`, the title cut so the publisher always shows. */
function sourceChoiceName(article: ArticleMeta): string {
  const publisher = article.publisher
    ? ` (${truncate(plainText(article.publisher).trim(), PUBLISHER_IN_CHOICE)})`
    : '';
  const room = Limits.choiceName - codePointLength(publisher);
  const title = plainText(article.title).trim() || article.id;
  return `${truncate(title, room)}${publisher}`;
}
