/**
 * Pages from the open web cannot stall the steps before extraction or put
 * invisible characters into the corpus: the content sniff for a page without
 * a Content-Type, the <meta> charset scan, and the cleaning of what is saved.
 * (Extraction itself runs in a worker with a time limit, tested apart.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchArticle, looksLikeHtml, metaCharset } from '../src/sources/fetch-article.ts';
import { saveSourceArticle } from '../src/sources/sources-list.ts';
import { cleanText } from '../src/text/clean.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

/** The regular expression the sniff replaced: the oracle on pages small enough for it. */
const OLD_SNIFF = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype html|html|head|body)\b/i;
/** The 241-byte page that hung the old sniff for good (its time doubled with each comment). */
const COMMENT_BOMB = `<!--${'E HTML--><!--'.repeat(27)}E HTML`;

const space = fc.constantFrom('', ' ', '\n', '\t', '\u00a0', '  \r\n');
/**
 * A comment whose only `-->` is its end, so the old expression, which may end
 * a comment at any later `-->`, reads it as browsers do.
 */
const comment = fc
  .string({ unit: fc.constantFrom('a', '-', '>', '<', '!', ' ', '&#1;', 'html'), maxLength: 12 })
  .map((body) => `<!--${body}-->`)
  .filter((whole) => whole.indexOf('-->') === whole.length - 3);
const opening = fc.constantFrom(
  '<!DOCTYPE html>',
  '<!doctype HTML>',
  '<html lang="en">',
  '<HEAD>',
  '<body>',
  '<htmlx>',
  '<div>',
  '{"json": 1}',
  '<!-- never closed',
  '',
);
const entity = fc.constantFrom('&#1;', '&#x202e;', '&#x2066;', '&amp;', '&#0;', '&#xd800;');
/** Nested tags, text and entities: what follows the opening. */
const body = fc
  .tuple(fc.integer({ min: 0, max: 200 }), fc.array(entity, { maxLength: 5 }))
  .map(([depth, entities]) => `${'<div>'.repeat(depth)}x ${entities.join(' ')}`);

describe('looksLikeHtml', () => {
  it.each([
    ['<!DOCTYPE html><p>x', true],
    ['  <!-- a --> <!-- b -->\n<html>', true],
    ['<body class="x">', true],
    ['<bodyx>', false],
    ['<!-- unclosed <html>', false],
    ['<!--><!---><html>', true],
    ['plain text <html>', false],
    ['', false],
  ])('%j → %s', (page, expected) => {
    expect(looksLikeHtml(page)).toBe(expected);
  });

  it('answers the page that hung the old check, and one with 100 000 comments', () => {
    expect(looksLikeHtml(COMMENT_BOMB)).toBe(false);
    expect(looksLikeHtml(`${'<!-- x -->'.repeat(100_000)}<html>`)).toBe(true);
    expect(looksLikeHtml(`${'<!-- x -->'.repeat(100_000)}x`)).toBe(false);
  });

  it('agrees with the old regular expression wherever that one finishes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(space, comment), { maxLength: 6 }),
        space,
        opening,
        body,
        (comments, before, start, rest) => {
          const page = `${comments.map(([s, c]) => s + c).join('')}${before}${start}${rest}`;
          expect(looksLikeHtml(page)).toBe(OLD_SNIFF.test(page));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads pages of thousands of comments and deep nesting to the right answer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.boolean(),
        fc.boolean(),
        (comments, depth, closed, html) => {
          const last = closed ? '<!-- last -->' : '<!-- last';
          const start = html ? '<html>' : '<dvi>';
          const page = `${'<!-- a -->\n'.repeat(comments)}${last}${start}${'<div>'.repeat(depth)}`;
          expect(looksLikeHtml(page)).toBe(closed && html);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('metaCharset', () => {
  it.each([
    ['<meta charset="windows-1252">', 'windows-1252'],
    ["<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ISO-8859-1'>", 'ISO-8859-1'],
    ['<meta name="x"><meta charset = utf-8 >', 'utf-8'],
    ['<meta charsetx><meta charset=koi8-r>', 'koi8-r'],
    ['<meta name="charset">', undefined],
    ['<p charset=utf-8>', undefined],
  ])('%s → %s', (head, expected) => {
    expect(metaCharset(head)).toBe(expected);
  });

  it('finishes on the start of a page made of broken meta tags', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('<meta', '<META<', 'charset', '=', ' ', '\t', '"', 'R', '>'), {
          maxLength: 400,
        }),
        (parts) => {
          const head = parts.join('');
          const label = metaCharset(head);
          if (label !== undefined) expect(head.toLowerCase()).toContain('charset');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('articles saved from the web', () => {
  it('hold no control, zero-width or bidi characters', async () => {
    const seeds = await mkdtemp(join(tmpdir(), 'talkbot-clean-'));
    try {
      await saveSourceArticle(seeds, 'url-a', {
        url: 'https://news.example/a',
        title: 'Talks\u0001 \u202eend',
        publisher: 'The\u200b Ledger\u2066',
        published: null,
        paragraphs: ['@\u0001everyone met <\u0002@123>.', '\u0000\u200b', 'Then 👩‍💻 wrote.'],
      });
      const text = await readFile(join(seeds, 'url-a.txt'), 'utf8');
      expect(text).toBe('@everyone met <@123>.\nThen 👩‍💻 wrote.\n');
      const sidecar = JSON.parse(await readFile(join(seeds, 'url-a.json'), 'utf8'));
      expect(sidecar).toMatchObject({ title: 'Talks end', publisher: 'The Ledger' });
      expect(cleanText(text)).toBe(text);
    } finally {
      await rm(seeds, { recursive: true, force: true });
    }
  });
});

describe('fetching a page without a Content-Type', () => {
  let site: LocalServer;
  let base: string;
  let port: number;
  const article = `<p>${'The delegations met in Istanbul for the first direct talks in three years. '.repeat(6)}</p>`;
  beforeAll(async () => {
    site = await startLocalServer((req, res) => {
      res.writeHead(200); // no Content-Type
      res.end(
        req.url === '/bomb'
          ? COMMENT_BOMB.repeat(4)
          : `${'<!-- c -->'.repeat(40)}<html><head><title>Talks</title></head><body><article>${article}${article}</article></body></html>`,
      );
    });
    ({ port, base } = site);
  });
  afterAll(async () => {
    await site.close();
  });

  it('refuses the comment bomb as not HTML, and reads a page with 40 comments first', async () => {
    const options = { allowLoopback: true, allowedPorts: [port], timeoutMs: 5_000 };
    await expect(fetchArticle(`${base}/bomb`, options)).rejects.toMatchObject({ code: 'not-html' });
    const fetched = await fetchArticle(`${base}/article`, options);
    expect(fetched.paragraphs.length).toBeGreaterThan(0);
  });
});
