import { describe, expect, it } from 'vitest';
import {
  assertFetchableUrl,
  assertPublicAddresses,
  blockedAddressReason,
  blockedHostnameReason,
  isBlockedAddress,
  UnsafeUrlError,
} from '../src/sources/ssrf.ts';

/** [address, blocked by default, blocked with allowLoopback] */
const ADDRESSES: ReadonlyArray<readonly [string, boolean, boolean]> = [
  // public
  ['93.184.216.34', false, false],
  ['8.8.8.8', false, false],
  ['1.1.1.1', false, false],
  ['2606:4700:4700::1111', false, false],
  ['2a00:1450:4009:81f::200e', false, false],
  ['::ffff:8.8.8.8', false, false],
  ['64:ff9b::808:808', false, false],
  // loopback
  ['127.0.0.1', true, false],
  ['127.255.255.254', true, false],
  ['::1', true, false],
  ['::ffff:127.0.0.1', true, false],
  // private
  ['10.0.0.5', true, true],
  ['172.16.0.1', true, true],
  ['172.31.255.255', true, true],
  ['192.168.1.10', true, true],
  ['fc00::1', true, true],
  ['fd00:ec2::254', true, true],
  ['fec0::1', true, true],
  // link-local and cloud metadata
  ['169.254.169.254', true, true],
  ['169.254.1.1', true, true],
  ['fe80::1', true, true],
  // unspecified, broadcast, multicast, CGNAT, reserved
  ['0.0.0.0', true, true],
  ['0.1.2.3', true, true],
  ['::', true, true],
  ['255.255.255.255', true, true],
  ['224.0.0.1', true, true],
  ['239.255.255.250', true, true],
  ['ff02::1', true, true],
  ['100.64.0.1', true, true],
  ['100.127.255.254', true, true],
  ['192.0.2.1', true, true],
  ['198.51.100.7', true, true],
  ['203.0.113.9', true, true],
  ['240.0.0.1', true, true],
  ['2001:db8::1', true, true],
  // IPv4 hidden inside IPv6
  ['::ffff:10.0.0.5', true, true],
  ['::ffff:169.254.169.254', true, true],
  ['::ffff:a9fe:a9fe', true, true],
  ['::10.0.0.5', true, true],
  ['64:ff9b::a00:5', true, true],
  ['2002:a00:5::1', true, true],
  ['2001:0:4136:e378::1', true, true], // Teredo
  // not canonical or not an address at all
  ['0x7f.1', true, true],
  ['2130706433', true, true],
  ['example.com', true, true],
  ['', true, true],
];

describe('isBlockedAddress', () => {
  it.each(ADDRESSES)(
    '%s: blocked=%s, with allowLoopback blocked=%s',
    (ip, blocked, blockedWithLoopback) => {
      expect(isBlockedAddress(ip)).toBe(blocked);
      expect(isBlockedAddress(ip, { allowLoopback: false })).toBe(blocked);
      expect(isBlockedAddress(ip, { allowLoopback: true })).toBe(blockedWithLoopback);
    },
  );
});

describe('blockedAddressReason', () => {
  it('names the kind of address', () => {
    expect(blockedAddressReason('10.0.0.5')).toBe('a private address');
    expect(blockedAddressReason('127.0.0.1')).toBe('a loopback address');
    expect(blockedAddressReason('169.254.169.254')).toBe('the cloud metadata address');
    expect(blockedAddressReason('169.254.0.1')).toBe('a link-local address');
    expect(blockedAddressReason('100.64.1.1')).toContain('carrier-grade NAT');
    expect(blockedAddressReason('::ffff:192.168.0.1')).toBe('a private address');
    expect(blockedAddressReason('93.184.216.34')).toBeNull();
  });
});

describe('blockedHostnameReason', () => {
  it.each([
    ['localhost', 'a loopback host name'],
    ['LOCALHOST.', 'a loopback host name'],
    ['api.localhost', 'a loopback host name'],
    ['metadata.google.internal', 'a cloud metadata host name'],
    ['metadata', 'a cloud metadata host name'],
    ['db.corp.internal', 'a private-network host name'],
    ['printer.local', 'a private-network host name'],
    ['[::1]', 'a loopback address'],
    ['10.1.1.1', 'a private address'],
  ])('refuses %s', (host, reason) => {
    expect(blockedHostnameReason(host)).toBe(reason);
  });

  it('accepts public names, and localhost only with allowLoopback', () => {
    expect(blockedHostnameReason('www.example.com')).toBeNull();
    expect(blockedHostnameReason('localhost.example.com')).toBeNull();
    expect(blockedHostnameReason('localhost', { allowLoopback: true })).toBeNull();
    expect(
      blockedHostnameReason('metadata.google.internal', { allowLoopback: true }),
    ).not.toBeNull();
  });
});

function thrown(run: () => unknown): UnsafeUrlError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeUrlError);
    return error as UnsafeUrlError;
  }
  throw new Error('expected an UnsafeUrlError');
}

describe('assertFetchableUrl', () => {
  it('returns the parsed URL for public http(s) URLs, including allowed odd ports', () => {
    expect(assertFetchableUrl('https://www.example.com/news/1').href).toBe(
      'https://www.example.com/news/1',
    );
    expect(
      assertFetchableUrl('http://news.example.com:8080/a?b=c', { allowedPorts: [8080] }).port,
    ).toBe('8080');
    expect(assertFetchableUrl(new URL('http://93.184.216.34/')).hostname).toBe('93.184.216.34');
  });

  it.each([
    ['file:///etc/passwd', 'bad-url'],
    ['ftp://example.com/', 'bad-url'],
    ['javascript:alert(1)', 'bad-url'],
    ['gopher://example.com/', 'bad-url'],
    ['example.com/article', 'bad-url'],
    ['https://user:pass@example.com/', 'bad-url'],
    ['https://user@example.com/', 'bad-url'],
    ['http://127.0.0.1/', 'blocked-address'],
    ['http://0x7f.0.0.1/', 'blocked-address'], // the URL parser normalises it to 127.0.0.1
    ['http://2130706433/', 'blocked-address'],
    ['http://[::1]/', 'blocked-address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked-address'],
    ['http://[fe80::1]/', 'blocked-address'],
    ['http://169.254.169.254/latest/meta-data/', 'blocked-address'],
    ['http://0.0.0.0:8080/', 'blocked-address'],
    ['http://localhost:3000/', 'blocked-address'],
    ['http://metadata.google.internal/', 'blocked-address'],
  ])('refuses %s (%s)', (url, code) => {
    expect(thrown(() => assertFetchableUrl(url)).code).toBe(code);
  });

  it('allows loopback literals only with allowLoopback', () => {
    expect(
      assertFetchableUrl('http://127.0.0.1:8080/', { allowLoopback: true, allowedPorts: [8080] })
        .port,
    ).toBe('8080');
    expect(assertFetchableUrl('http://[::1]/', { allowLoopback: true }).hostname).toBe('[::1]');
    expect(thrown(() => assertFetchableUrl('http://10.0.0.1/', { allowLoopback: true })).code).toBe(
      'blocked-address',
    );
  });

  it('says what went wrong and what to do', () => {
    expect(thrown(() => assertFetchableUrl('ftp://example.com/x')).message).toBe(
      'ftp://example.com/x uses the ftp: scheme; only http:// and https:// links to articles can be fetched',
    );
    expect(
      thrown(() => assertFetchableUrl('http://10.0.0.5/', {}, 'https://x.example/')).message,
    ).toBe(
      "https://x.example/ redirected to a private address (10.0.0.5); only public addresses can be fetched, so use the article's public URL",
    );
  });
});

describe('assertFetchableUrl ports', () => {
  it.each([
    'http://news.example.com:6379/',
    'http://news.example.com:22/',
    'http://news.example.com:0/',
    'https://news.example.com:8443/a',
    'http://93.184.216.34:25/',
  ])('refuses %s: only ports 80 and 443 by default', (url) => {
    const error = thrown(() => assertFetchableUrl(url));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toMatch(/uses port \d+; only ports 80, 443 can be fetched/);
  });

  it.each([
    'http://news.example.com/',
    'http://news.example.com:80/',
    'https://news.example.com:443/',
    'http://news.example.com:443/',
    'https://news.example.com:80/',
  ])('accepts %s', (url) => {
    expect(assertFetchableUrl(url).hostname).toBe('news.example.com');
  });

  it('accepts exactly the configured ports when told', () => {
    const policy = { allowedPorts: [8080] };
    expect(assertFetchableUrl('http://news.example.com:8080/', policy).port).toBe('8080');
    expect(thrown(() => assertFetchableUrl('http://news.example.com/', policy)).message).toBe(
      "http://news.example.com/ uses port 80; only ports 8080 can be fetched, so use the article's ordinary web address",
    );
  });

  it('names a redirect to another port', () => {
    expect(
      thrown(() => assertFetchableUrl('http://news.example.com:6379/', {}, 'https://a.example/'))
        .message,
    ).toMatch(
      /^https:\/\/a\.example\/ redirected to http:\/\/news\.example\.com:6379\/, which uses port 6379/,
    );
  });
});

describe('assertPublicAddresses', () => {
  const url = new URL('https://news.example.com/a');

  it('accepts all-public answers', () => {
    expect(() => assertPublicAddresses(url, ['93.184.216.34', '2606:2800:220:1::1'])).not.toThrow();
  });

  it('refuses when any address is not public, or there are none', () => {
    const error = thrown(() => assertPublicAddresses(url, ['93.184.216.34', '10.0.0.5']));
    expect(error.code).toBe('blocked-address');
    expect(error.message).toContain(
      'https://news.example.com/a resolves to a private address (10.0.0.5)',
    );
    expect(thrown(() => assertPublicAddresses(url, [])).code).toBe('blocked-address');
  });

  it('names the redirect that led to the address', () => {
    const error = thrown(() =>
      assertPublicAddresses(url, ['169.254.169.254'], {}, 'https://short.example/x'),
    );
    expect(error.message).toContain(
      'https://short.example/x redirected to https://news.example.com/a, which resolves to the cloud metadata address (169.254.169.254)',
    );
  });
});
