/**
 * Server-side request forgery (SSRF) guard for article URLs.
 *
 * Anyone who can add a source makes the bot send a request, so a URL must name
 * a public web server: never the bot's own machine, the private network it runs
 * in, or a cloud metadata service. Everything here is pure (no I/O): the fetcher
 * resolves host names itself and hands the addresses to
 * {@link assertPublicAddresses}, on the first request and again on every redirect.
 */

import ipaddr from 'ipaddr.js';
import { withoutCredentials } from './credentials.ts';

/** Which addresses may be fetched besides public unicast ones. */
export interface AddressPolicy {
  /**
   * Permit loopback addresses (127.0.0.0/8, ::1) and the `localhost` names.
   * Only for tests and an explicit configuration flag; private, link-local and
   * metadata addresses stay blocked regardless.
   */
  allowLoopback?: boolean;
  /**
   * The ports a URL may name; a URL without a port uses its scheme's (80 or
   * 443). Default {@link DEFAULT_ALLOWED_PORTS}: web servers only, so a source
   * cannot reach a mail, database or SSH server that happens to be public.
   */
  allowedPorts?: readonly number[];
}

/** The ports sources may use unless configured otherwise (`SOURCE_ALLOWED_PORTS`). */
export const DEFAULT_ALLOWED_PORTS: readonly number[] = [80, 443];

/** Why a URL or address was refused; `code` matches {@link FetchArticleError}'s. */
export class UnsafeUrlError extends Error {
  override readonly name = 'UnsafeUrlError';
  readonly code: 'bad-url' | 'blocked-address';

  constructor(code: 'bad-url' | 'blocked-address', message: string) {
    super(message);
    this.code = code;
  }
}

const CLOUD_METADATA_IPV4 = '169.254.169.254';

const RANGE_LABELS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
  private: 'a private address',
  uniqueLocal: 'a private address',
  deprecatedSiteLocal: 'a private (site-local) address',
  reserved: 'a reserved address',
};

/**
 * Names that reach the bot's own machine or its cloud provider whatever DNS
 * says. Resolved addresses are checked as well; this only refuses early with a
 * clearer message, and covers resolvers that answer these names specially.
 */
const BLOCKED_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);
const LOOPBACK_HOSTNAME = /(^|\.)localhost$/;
/** Suffixes that only ever name machines on a private network. */
const PRIVATE_SUFFIX = /\.(internal|local|localdomain|lan|intranet|corp|home\.arpa)$/;

/** Strips the brackets of an IPv6 literal and the trailing dot of a fully qualified name. */
function bareHost(hostname: string): string {
  const host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) return host.slice(1, -1);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** The IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = address.toByteArray();
  const v4 = (offset: number) =>
    ipaddr.fromByteArray(bytes.slice(offset, offset + 4)) as ipaddr.IPv4;
  const range = address.range();
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (RFC 6145, SIIT)
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(12);
  // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are handled by range()
  if (bytes.slice(0, 12).every((byte) => byte === 0)) return v4(12);
  // 64:ff9b::a.b.c.d well-known NAT64 prefix; 64:ff9b:1::/48 is local-use and stays blocked
  if (range === 'rfc6052' && address.match(ipaddr.IPv6.parseCIDR('64:ff9b::/96'))) return v4(12);
  // 2002:AABB:CCDD::/48 6to4 carries a.b.c.d in bits 16..47
  if (range === '6to4') return v4(2);
  return null;
}

/**
 * Says why an IP address may not be fetched, or returns null when it is a
 * public unicast address (or a loopback address the policy allows).
 * Anything that is not a valid IP address is refused.
 *
 * @example
 * blockedAddressReason('10.0.0.5') // => 'a private address'
 * blockedAddressReason('93.184.216.34') // => null
 * blockedAddressReason('127.0.0.1', { allowLoopback: true }) // => null
 */
export function blockedAddressReason(ip: string, policy: AddressPolicy = {}): string | null {
  const text = bareHost(ip);
  // Only the canonical spellings: inet_aton forms such as "0x7f.1" are for URL
  // parsing, which has already normalised them, not for resolver answers.
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) {
    return 'an invalid address';
  }
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(text);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'loopback') return policy.allowLoopback ? null : 'a loopback address';
    if (range === 'unspecified') return 'an unspecified address';
    const inner = embeddedIPv4(v6);
    if (inner) address = inner;
  }
  if (address.kind() === 'ipv4' && address.toString() === CLOUD_METADATA_IPV4) {
    return 'the cloud metadata address';
  }
  const range = address.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  return RANGE_LABELS[range] ?? 'a special-purpose address';
}

/**
 * True when an IP address must not be fetched; see {@link blockedAddressReason}.
 *
 * @example
 * isBlockedAddress('::ffff:127.0.0.1') // => true
 * isBlockedAddress('::1', { allowLoopback: true }) // => false
 * isBlockedAddress('169.254.169.254', { allowLoopback: true }) // => true
 */
export function isBlockedAddress(ip: string, policy: AddressPolicy = {}): boolean {
  return blockedAddressReason(ip, policy) !== null;
}

/**
 * Says why a host name may not be fetched whatever it resolves to, or returns
 * null. IP literals are judged by {@link blockedAddressReason}.
 *
 * @example
 * blockedHostnameReason('metadata.google.internal') // => 'a cloud metadata host name'
 * blockedHostnameReason('www.example.com') // => null
 */
export function blockedHostnameReason(hostname: string, policy: AddressPolicy = {}): string | null {
  const host = bareHost(hostname);
  if (ipaddr.isValid(host)) return blockedAddressReason(host, policy);
  if (host === '') return 'an empty host name';
  if (LOOPBACK_HOSTNAME.test(host)) return policy.allowLoopback ? null : 'a loopback host name';
  if (BLOCKED_HOSTNAMES.has(host)) return 'a cloud metadata host name';
  if (PRIVATE_SUFFIX.test(host)) return 'a private-network host name';
  return null;
}

/**
 * Parses a URL and refuses anything that is not a plain public http(s) URL:
 * other schemes, credentials in the URL (refused rather than stripped: a link
 * that needs a login is no public article, and the refusal names the URL
 * without them), ports other than the allowed ones, internal host names and
 * non-public IP literals. Host names are not resolved here; check their addresses with
 * {@link assertPublicAddresses} before connecting.
 *
 * @param redirectedFrom the URL whose redirect led here, to name it in messages
 * @throws {UnsafeUrlError} with code 'bad-url' or 'blocked-address'
 * @example
 * assertFetchableUrl('https://www.example.com/news/1').hostname // => 'www.example.com'
 * assertFetchableUrl('file:///etc/passwd') // throws UnsafeUrlError (bad-url)
 */
export function assertFetchableUrl(
  input: string | URL,
  policy: AddressPolicy = {},
  redirectedFrom?: string,
): URL {
  const shown = withoutCredentials(String(input)).slice(0, 200);
  const lead = redirectedFrom ? `${redirectedFrom} redirected to ${shown}, which` : shown;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UnsafeUrlError(
      'bad-url',
      `${lead} is not a valid URL; give the full address of the article, starting with https://`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsafeUrlError(
      'bad-url',
      `${lead} uses the ${url.protocol} scheme; only http:// and https:// links to articles can be fetched`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new UnsafeUrlError(
      'bad-url',
      `${lead} contains a user name or password; remove the "user:password@" part and use a public link`,
    );
  }
  const reason = blockedHostnameReason(url.hostname, policy);
  if (reason) {
    const host = bareHost(url.hostname);
    const verb = redirectedFrom ? `${redirectedFrom} redirected to` : `${shown} points to`;
    throw new UnsafeUrlError(
      'blocked-address',
      `${verb} ${reason} (${host}); only public addresses can be fetched, so use the article's public URL`,
    );
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const allowedPorts = policy.allowedPorts ?? DEFAULT_ALLOWED_PORTS;
  if (!allowedPorts.includes(port)) {
    throw new UnsafeUrlError(
      'blocked-address',
      `${lead} uses port ${port}; only ports ${allowedPorts.join(', ')} can be fetched, so use the article's ordinary web address`,
    );
  }
  return url;
}

/**
 * Checks every address a URL's host resolved to; one non-public address is
 * enough to refuse, since the connection could use any of them.
 *
 * @throws {UnsafeUrlError} code 'blocked-address'
 * @example
 * assertPublicAddresses(new URL('https://news.example/'), ['93.184.216.34']) // ok
 * assertPublicAddresses(new URL('https://news.example/'), ['10.0.0.5'])
 * // throws "https://news.example/ resolves to a private address (10.0.0.5); only public addresses can be fetched ..."
 */
export function assertPublicAddresses(
  url: URL,
  addresses: readonly string[],
  policy: AddressPolicy = {},
  redirectedFrom?: string,
): void {
  const lead = redirectedFrom
    ? `${redirectedFrom} redirected to ${url.href}, which resolves to`
    : `${url.href} resolves to`;
  if (addresses.length === 0) {
    throw new UnsafeUrlError(
      'blocked-address',
      `${lead} no address; check the host name in the URL`,
    );
  }
  for (const address of addresses) {
    const reason = blockedAddressReason(address, policy);
    if (reason) {
      throw new UnsafeUrlError(
        'blocked-address',
        `${lead} ${reason} (${address}); only public addresses can be fetched, so use the article's public URL`,
      );
    }
  }
}
