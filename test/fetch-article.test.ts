import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_USER_AGENT,
  extractArticle,
  FetchArticleError,
  type FetchArticleOptions,
  fetchArticle,
} from '../src/sources/fetch-article.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/html/${name}`, import.meta.url), 'utf8');
const ARTICLE = fixture('article.html');
const LOGIN = fixture('login.html');
const INDEX = fixture('index.html');
const PLAIN = fixture('article-plain.html');

/** Requests the server received, by path. */
const hits = new Map<string, number>();
const headersSeen = new Map<string, http.IncomingHttpHeaders>();
/** Bytes the /endless route managed to write before the client hung up. */
let endlessWritten = 0;
/** Resolves when the /endless response closed (the client hung up, or all was sent). */
let endlessClosed: Promise<void> = Promise.resolve();
let endlessDone = () => {};
const ENDLESS_TOTAL = 64 * 1024 * 1024;

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const html = (body: string | Buffer, type = 'text/html; charset=utf-8') => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  };
  const redirect = (location: string, status = 302) => {
    res.writeHead(status, { location });
    res.end();
  };

  const hops = /^\/hops\/(\d+)$/.exec(path);
  if (hops) {
    const left = Number(hops[1]);
    if (left === 0) html(ARTICLE);
    else redirect(`/hops/${left - 1}`, 301);
    return;
  }
  switch (path) {
    case '/article':
      html(ARTICLE);
      break;
    case '/plain':
      html(PLAIN);
      break;
    case '/login':
      html(LOGIN);
      break;
    case '/index':
      html(INDEX);
      break;
    case '/gzip':
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.end(gzipSync(ARTICLE));
      break;
    case '/latin1':
      html(
        Buffer.from(PLAIN.replace('Fresnel lens', 'Fresnel lens (lentille à échelons)'), 'latin1'),
        'text/html; charset=ISO-8859-1',
      );
      break;
    case '/untyped-html':
      res.end(ARTICLE);
      break;
    case '/untyped-text':
      res.end('just some words, not a page');
      break;
    case '/json':
      html('{"title":"not a page"}', 'application/json');
      break;
    case '/pdf':
      html(Buffer.from('%PDF-1.7\n'), 'application/pdf');
      break;
    case '/missing':
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not found</h1>');
      break;
    case '/broken':
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<h1>Service unavailable</h1>');
      break;
    case '/to-private':
      redirect('http://10.0.0.5/');
      break;
    case '/to-metadata':
      redirect('http://169.254.169.254/latest/meta-data/');
      break;
    case '/to-mapped-private':
      redirect('http://[::ffff:10.0.0.5]/');
      break;
    case '/to-file':
      redirect('file:///etc/passwd');
      break;
    case '/to-private-name':
      redirect(`http://intranet.example.test:${port}/article`, 307);
      break;
    case '/to-same-name':
      redirect('/article');
      break;
    case '/loop':
      redirect('/loop');
      break;
    case '/no-location':
      res.writeHead(302);
      res.end();
      break;
    case '/hang':
      break; // never answers
    case '/slow':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!DOCTYPE html><html><head><title>Slow</title></head><body>');
      break; // never finishes the body
    case '/declared-huge':
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(50_000_000) });
      res.write('<!DOCTYPE html>');
      break; // never sends the rest
    case '/endless': {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (endlessWritten < ENDLESS_TOTAL && !res.destroyed) {
          endlessWritten += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => {
        res.removeAllListeners('drain');
        endlessDone();
      });
      pump();
      break;
    }
    default:
      res.writeHead(404);
      res.end();
  }
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  headersSeen.set(path, req.headers);
  route(req, res);
});
let port = 0;
let base = '';
/** The local server's port, allowed once it is known (only 80 and 443 are by default). */
const serverPorts: number[] = [];
/** For tests that point a made-up host name at the local server. */
const LOOPBACK: FetchArticleOptions = { allowLoopback: true, allowedPorts: serverPorts };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  serverPorts.push(port);
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
});

beforeEach(() => {
  hits.clear();
  headersSeen.clear();
});

/** Runs a fetch that must fail and returns its FetchArticleError. */
async function failure(promise: Promise<unknown>): Promise<FetchArticleError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the fetch to fail, but it succeeded');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchArticleError);
  return error as FetchArticleError;
}

describe('fetchArticle on a good article', () => {
  it('extracts title, publisher, date and paragraphs, and sends the User-Agent', async () => {
    const article = await fetchArticle(`${base}/article`, LOOPBACK);
    expect(article.url).toBe(`${base}/article`);
    expect(article.title).toBe('City council approves new river crossing after decade of debate');
    expect(article.publisher).toBe('The Harbor Ledger');
    // 23:30 on 5 March in New York: the publisher's date is kept, not shifted to UTC.
    expect(article.published).toBe('2024-03-05');
    expect(article.paragraphs[0]).toMatch(/^The Millbrook city council voted 7 to 2 on Tuesday/);
    expect(article.paragraphs).toContain('The bridge is expected to open to traffic in 2029.');
    expect(article.paragraphs.at(-1)).toBe(
      'A public consultation on the final design will open next month, the council said.',
    );
    const all = article.paragraphs.join('\n');
    for (const clutter of ['Privacy policy', 'Advertisement', 'Sign up', 'Ferry timetable']) {
      expect(all).not.toContain(clutter);
    }
    expect(all).not.toContain('Opposition from river businesses'); // headings are dropped
    for (const paragraph of article.paragraphs) {
      expect(paragraph).toBe(paragraph.replace(/\s+/g, ' ').trim());
      expect(paragraph).not.toBe('');
    }
    expect(headersSeen.get('/article')?.['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toBe('talkbot/0.1 (+article fetcher for a Discord Q&A bot)');
  });

  it('sends a custom User-Agent', async () => {
    await fetchArticle(`${base}/article`, { ...LOOPBACK, userAgent: 'test-agent/1' });
    expect(headersSeen.get('/article')?.['user-agent']).toBe('test-agent/1');
  });

  it('follows relative redirects up to maxRedirects and reports the final URL', async () => {
    const article = await fetchArticle(`${base}/hops/3`, { ...LOOPBACK, maxRedirects: 3 });
    expect(article.url).toBe(`${base}/hops/0`);
    expect(article.publisher).toBe('The Harbor Ledger');
  });

  it('decompresses gzip bodies', async () => {
    const article = await fetchArticle(`${base}/gzip`, LOOPBACK);
    expect(article.title).toBe('City council approves new river crossing after decade of debate');
    expect(headersSeen.get('/gzip')?.['accept-encoding']).toContain('gzip');
  });

  it('decodes the charset named in Content-Type', async () => {
    const article = await fetchArticle(`${base}/latin1`, LOOPBACK);
    expect(article.paragraphs.join(' ')).toContain('lentille à échelons');
  });

  it('accepts a page without Content-Type when it looks like HTML', async () => {
    const article = await fetchArticle(`${base}/untyped-html`, LOOPBACK);
    expect(article.publisher).toBe('The Harbor Ledger');
  });

  it('connects to the vetted address of a host name and keeps the name in the Host header', async () => {
    const asked: string[] = [];
    const lookup = async (hostname: string) => {
      asked.push(hostname);
      return ['127.0.0.1'];
    };
    // news.example.test does not exist in DNS: this only works if the
    // connection uses the address our lookup returned.
    const article = await fetchArticle(`http://news.example.test:${port}/article`, {
      ...LOOPBACK,
      lookup,
    });
    expect(article.url).toBe(`http://news.example.test:${port}/article`);
    expect(asked).toEqual(['news.example.test']);
    expect(headersSeen.get('/article')?.host).toBe(`news.example.test:${port}`);
  });
});

describe('fetchArticle SSRF guard', () => {
  it('refuses loopback unless allowLoopback is set, before sending anything', async () => {
    const error = await failure(fetchArticle(`${base}/article`));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toBe(
      `${base}/article points to a loopback address (127.0.0.1); only public addresses can be fetched, so use the article's public URL`,
    );
    expect(hits.size).toBe(0);
  });

  it('refuses localhost and metadata host names', async () => {
    for (const url of [
      `http://localhost:${port}/article`,
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      const error = await failure(fetchArticle(url, { lookup: async () => ['93.184.216.34'] }));
      expect(error.code).toBe('blocked-address');
    }
    expect(hits.size).toBe(0);
  });

  it('refuses a redirect to a private address', async () => {
    const error = await failure(fetchArticle(`${base}/to-private`, LOOPBACK));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toBe(
      `${base}/to-private redirected to a private address (10.0.0.5); only public addresses can be fetched, so use the article's public URL`,
    );
  });

  it('refuses a redirect to the cloud metadata address', async () => {
    const error = await failure(fetchArticle(`${base}/to-metadata`, LOOPBACK));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain('redirected to the cloud metadata address (169.254.169.254)');
  });

  it('refuses a redirect to an IPv4-mapped private address', async () => {
    const error = await failure(fetchArticle(`${base}/to-mapped-private`, LOOPBACK));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain('redirected to a private address (::ffff:a00:5)');
  });

  it('refuses a host name that resolves to a private address', async () => {
    const error = await failure(
      fetchArticle(`http://intranet.example.test:${port}/article`, {
        ...LOOPBACK,
        lookup: async () => ['192.168.1.10'],
      }),
    );
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain(
      `http://intranet.example.test:${port}/article resolves to a private address (192.168.1.10)`,
    );
    expect(hits.size).toBe(0);
  });

  it('refuses a host name when any one of its addresses is private', async () => {
    const error = await failure(
      fetchArticle(`http://mixed.example.test:${port}/article`, {
        ...LOOPBACK,
        lookup: async () => ['127.0.0.1', '10.20.30.40'],
      }),
    );
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain('(10.20.30.40)');
    expect(hits.size).toBe(0);
  });

  it('refuses a redirect to a host name that resolves to a private address', async () => {
    const lookup = async (hostname: string) =>
      hostname === 'intranet.example.test' ? ['10.9.8.7'] : ['127.0.0.1'];
    const error = await failure(fetchArticle(`${base}/to-private-name`, { ...LOOPBACK, lookup }));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain(
      `${base}/to-private-name redirected to http://intranet.example.test:${port}/article, which resolves to a private address (10.9.8.7)`,
    );
    expect(hits.get('/to-private-name')).toBe(1);
    expect(hits.has('/article')).toBe(false);
  });

  it('resolves and checks the host again on every redirect hop (DNS rebinding)', async () => {
    const answers = [['127.0.0.1'], ['10.0.0.1']];
    const lookup = async () => answers.shift() ?? ['127.0.0.1'];
    const error = await failure(
      fetchArticle(`http://rebind.example.test:${port}/to-same-name`, { ...LOOPBACK, lookup }),
    );
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain('(10.0.0.1)');
    expect(answers).toEqual([]);
    expect(hits.get('/to-same-name')).toBe(1);
    expect(hits.has('/article')).toBe(false);
  });

  it('refuses a redirect to a file: URL', async () => {
    const error = await failure(fetchArticle(`${base}/to-file`, LOOPBACK));
    expect(error.code).toBe('bad-url');
    expect(error.message).toContain(`${base}/to-file redirected to file:///etc/passwd`);
  });
});

describe('fetchArticle failures', () => {
  it.each([
    ['file:///etc/passwd'],
    ['ftp://ftp.example.com/article.html'],
    ['javascript:alert(1)'],
    ['data:text/html,<p>hi</p>'],
    ['not a url'],
    ['//www.example.com/no-scheme'],
  ])('refuses %s as bad-url', async (url) => {
    const error = await failure(fetchArticle(url, LOOPBACK));
    expect(error.code).toBe('bad-url');
  });

  it('refuses credentials in the URL', async () => {
    const error = await failure(
      fetchArticle(`http://user:secret@127.0.0.1:${port}/article`, LOOPBACK),
    );
    expect(error.code).toBe('bad-url');
    expect(error.message).toContain('user name or password');
    expect(hits.size).toBe(0);
  });

  it('times out on a server that stops sending the body', async () => {
    const error = await failure(fetchArticle(`${base}/slow`, { ...LOOPBACK, timeoutMs: 50 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('50 ms');
  });

  it('times out on a server that never answers', async () => {
    const error = await failure(fetchArticle(`${base}/hang`, { ...LOOPBACK, timeoutMs: 50 }));
    expect(error.code).toBe('timeout');
  });

  it('times out on a DNS lookup that never returns', async () => {
    const error = await failure(
      fetchArticle('http://slow-dns.example.test/', {
        timeoutMs: 50,
        lookup: () => new Promise<string[]>(() => {}),
      }),
    );
    expect(error.code).toBe('timeout');
  });

  it('stops reading a body bigger than maxBytes', async () => {
    endlessWritten = 0;
    endlessClosed = new Promise((resolve) => {
      endlessDone = resolve;
    });
    const error = await failure(
      fetchArticle(`${base}/endless`, { ...LOOPBACK, maxBytes: 256 * 1024 }),
    );
    expect(error.code).toBe('too-large');
    expect(error.message).toContain('262144-byte limit');
    // The client hung up long before the server could send everything.
    await endlessClosed;
    expect(endlessWritten).toBeLessThan(ENDLESS_TOTAL);
  });

  it('refuses a body whose Content-Length is over maxBytes without reading it', async () => {
    const error = await failure(
      fetchArticle(`${base}/declared-huge`, {
        ...LOOPBACK,
        maxBytes: 1024 * 1024,
        timeoutMs: 2_000,
      }),
    );
    expect(error.code).toBe('too-large');
    expect(error.message).toContain('50000000 bytes');
  });

  it('refuses a login page and an index page as not-an-article', async () => {
    for (const path of ['/login', '/index']) {
      const error = await failure(fetchArticle(`${base}${path}`, LOOPBACK));
      expect(error.code).toBe('not-an-article');
      expect(error.message).toContain(`${base}${path} does not look like an article`);
    }
  });

  it.each([['/json'], ['/pdf'], ['/untyped-text']])('refuses %s as not-html', async (path) => {
    const error = await failure(fetchArticle(`${base}${path}`, LOOPBACK));
    expect(error.code).toBe('not-html');
  });

  it('reports HTTP error statuses', async () => {
    const missing = await failure(fetchArticle(`${base}/missing`, LOOPBACK));
    expect(missing.code).toBe('http-status');
    expect(missing.message).toContain('HTTP 404');
    expect(missing.message).toContain('still online');
    const broken = await failure(fetchArticle(`${base}/broken`, LOOPBACK));
    expect(broken.code).toBe('http-status');
    expect(broken.message).toContain('try again later');
    const bare = await failure(fetchArticle(`${base}/no-location`, LOOPBACK));
    expect(bare.code).toBe('http-status');
  });

  it('gives up on a redirect loop after maxRedirects', async () => {
    const error = await failure(fetchArticle(`${base}/loop`, LOOPBACK));
    expect(error.code).toBe('too-many-redirects');
    expect(error.message).toContain('more than 5 times');
    expect(hits.get('/loop')).toBe(6); // the first request plus 5 redirects followed
  });

  it('counts redirects exactly', async () => {
    const error = await failure(fetchArticle(`${base}/hops/3`, { ...LOOPBACK, maxRedirects: 2 }));
    expect(error.code).toBe('too-many-redirects');
    expect(hits.has('/hops/0')).toBe(false);
  });

  it('reports a failed DNS lookup as a network error', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const error = await failure(fetchArticle('https://no-such-host.example.test/', { lookup }));
    expect(error.code).toBe('network');
    expect(error.message).toContain('could not look up the host no-such-host.example.test');
  });

  it('reports a refused connection as a network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      fetchArticle(`http://127.0.0.1:${closedPort}/`, { ...LOOPBACK, allowedPorts: [closedPort] }),
    );
    expect(error.code).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('extractArticle', () => {
  it('takes the date and publisher from JSON-LD when there are no meta tags', () => {
    const article = extractArticle(fixture('article-jsonld.html'), 'https://gazette.example/a');
    expect(article.title).toBe('Drought forces water restrictions across three counties');
    expect(article.publisher).toBe('Northern Gazette');
    expect(article.published).toBe('2023-08-14');
    expect(article.paragraphs).toHaveLength(4);
    expect(article.paragraphs.join(' ')).not.toContain('Most read');
  });

  it('falls back to <time datetime> and never invents a publisher', () => {
    const article = extractArticle(PLAIN, 'https://heritage.example/lens');
    expect(article.title).toBe('Volunteers restore 19th-century lighthouse lens');
    expect(article.publisher).toBeNull();
    expect(article.published).toBe('2022-11-30');
    expect(article.paragraphs.some((p) => p.startsWith('A team of twelve volunteers'))).toBe(true);
  });

  it('gives a null date when the page has none, and ignores impossible dates', () => {
    const undated = PLAIN.replace('<time datetime="2022-11-30">', '<time datetime="2022-13-45">');
    expect(extractArticle(undated, 'https://heritage.example/lens').published).toBeNull();
  });

  it('refuses a page with too little text', () => {
    expect(() =>
      extractArticle(
        '<html><body><p>Short.</p><p>Also short.</p></body></html>',
        'https://x.example/',
      ),
    ).toThrow(expect.objectContaining({ code: 'not-an-article' }));
  });
});
