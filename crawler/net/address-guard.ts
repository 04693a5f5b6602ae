import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { redactUrl } from '../../core/config.js';
import { PermanentError } from '../../core/errors.js';

/**
 * The one gate every crawler connection passes (account URLs and media URLs are untrusted):
 * only http(s) to public unicast addresses, checked on the resolved addresses themselves, with the
 * socket connecting to exactly the address that was checked. CRAWL_ALLOWED_PRIVATE_HOSTS opens it
 * for named test hosts only.
 */

/** A URL or host the guard will not connect to; never retried. `url` is redacted, `reason` says why. */
export class RefusedAddressError extends PermanentError {
  override readonly code = 'refused_address';
  /** The refused URL (redacted by `redactUrl`), or the bare host name when no URL was at hand. */
  readonly url: string;
  /** What was refused, e.g. `loopback address 127.0.0.1` or `scheme file:`. */
  readonly reason: string;

  constructor(target: URL | string, reason: string, options?: ErrorOptions) {
    // A URL string is redacted like a URL object (its query may hold a token); a bare host is shown as is.
    const href = target instanceof URL ? target.href : target;
    const url = URL.canParse(href) ? redactUrl(href) : href;
    super(
      `Refused to fetch ${url}: ${reason}. The crawler only connects to public internet addresses over http(s); ` +
        'a test fixture on a private address must be listed in CRAWL_ALLOWED_PRIVATE_HOSTS.',
      options,
    );
    this.url = url;
    this.reason = reason;
  }
}

/** One answer of a resolver: an address and its family (4 or 6). */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has, in the resolver's order. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** What the guard lets through besides the public internet, and how it resolves names. */
export interface AddressGuardOptions {
  /** Host names (exact, case-insensitive), IPs and CIDR ranges let through although private; tests only. */
  allowedPrivateHosts: readonly string[];
  /** Default: `dns.promises.lookup(host, { all: true, verbatim: true })`, the system resolver. */
  resolve?: HostResolver;
}

/** The checks, in the three forms callers need. Every method throws or yields RefusedAddressError. */
export interface AddressGuard {
  /** Synchronous checks that need no DNS: scheme, credentials, literal IPs and `localhost` names. */
  checkUrl(url: URL): void;
  /** The same host checks as `checkUrl` for a bare host name or IP literal (brackets allowed). */
  checkHost(hostname: string): void;
  /**
   * A `lookup` for `http.request`, `tls.connect` and `net.connect`: resolves once, refuses the name
   * if any of its addresses is not public, and hands back only checked addresses, so the socket
   * connects to an address that was checked (no second resolution an attacker could rebind).
   */
  readonly lookup: LookupFunction;
  /** Resolves and checks like `lookup`, for callers that connect to the returned address themselves. */
  resolveChecked(hostname: string): Promise<ResolvedAddress>;
  /** True when CRAWL_ALLOWED_PRIVATE_HOSTS lists this host name, or a range holding this IP. */
  isAllowlisted(hostOrAddress: string): boolean;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

interface Allowlist {
  names: ReadonlySet<string>;
  ranges: ReadonlyArray<[Address, number]>;
}

const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

// Names ipaddr.js gives ranges, as a reader of a refusal understands them.
const RANGE_LABELS: Readonly<Record<string, string>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  benchmarking: 'benchmarking',
  discard: 'discard-only',
  '6to4': '6to4',
};

// All of IANA's global unicast space; anything outside it (IPv4-compatible ::a.b.c.d included) is
// not an internet address, whatever ipaddr.js calls it.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** Builds the guard; `allowedPrivateHosts` is `config.crawl.allowedPrivateHosts` (empty by default). */
export function createAddressGuard(options: AddressGuardOptions): AddressGuard {
  const allowlist = parseAllowlist(options.allowedPrivateHosts);
  const resolve = options.resolve ?? systemResolve;

  const checkHost = (hostname: string): void => {
    const reason = refusalOfHost(normalizeHost(hostname), allowlist);
    if (reason !== undefined) throw new RefusedAddressError(hostname, reason);
  };

  const resolveAll = async (hostname: string): Promise<ResolvedAddress[]> => {
    const host = normalizeHost(hostname);
    checkHost(host);
    const literalFamily = isIP(host);
    if (literalFamily !== 0) return [{ address: host, family: literalFamily }];
    const answers = await resolve(host);
    if (answers.length === 0) throw new PermanentError(`${host} has no address; check the account or media URL.`);
    if (allowlist.names.has(host)) return answers;
    // One private answer refuses the whole name: a resolver (or an attacker's zone) may hand out
    // its answers in any order, and Node may try each of them while connecting.
    for (const answer of answers) {
      const reason = refusalOfAddress(answer.address, allowlist);
      if (reason !== undefined) throw new RefusedAddressError(host, `${host} resolves to ${reason}`);
    }
    return answers;
  };

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveAll(hostname).then(
      (answers) => {
        const wanted = pickFamily(answers, lookupOptions);
        const first = wanted[0];
        // Called outside the promise chain, so an exception in the caller's callback is not
        // mistaken for a failed lookup (and the callback is never called twice).
        process.nextTick(() => {
          if (first === undefined) {
            callback(Object.assign(new Error(`${hostname} has no address of the requested family`), { code: 'ENOTFOUND' }), '', 0);
          } else if (lookupOptions.all === true) {
            callback(null, wanted.map((answer): LookupAddress => ({ address: answer.address, family: answer.family })));
          } else {
            callback(null, first.address, first.family);
          }
        });
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new PermanentError(`looking up ${hostname} failed`);
        process.nextTick(() => callback(failure, '', 0));
      },
    );
  };

  return {
    checkUrl(url) {
      if (!ALLOWED_SCHEMES.has(url.protocol)) throw new RefusedAddressError(url, `scheme ${url.protocol}`);
      // Credentials in an untrusted URL are never sent anywhere, and `http://good@evil/` is a
      // classic disguise; refusing is clearer than silently dropping them.
      if (url.username !== '' || url.password !== '') throw new RefusedAddressError(url, 'credentials in URL');
      if (url.hostname === '') throw new RefusedAddressError(url, 'no host');
      const reason = refusalOfHost(normalizeHost(url.hostname), allowlist);
      if (reason !== undefined) throw new RefusedAddressError(url, reason);
    },
    checkHost,
    lookup,
    async resolveChecked(hostname) {
      const answers = await resolveAll(hostname);
      // resolveAll never returns an empty list.
      return answers[0] as ResolvedAddress;
    },
    isAllowlisted(hostOrAddress) {
      const host = normalizeHost(hostOrAddress);
      return isIP(host) === 0 ? allowlist.names.has(host) : isAllowlisted(ipaddr.parse(host), allowlist);
    },
  };
}

/** Why this address may not be connected to, or undefined when it is public or allowlisted. */
function refusalOfAddress(address: string, allowlist: Allowlist): string | undefined {
  if (!ipaddr.isValid(address)) return `unparseable address ${address}`;
  const parsed = ipaddr.parse(address);
  if (isAllowlisted(parsed, allowlist)) return undefined;
  return refusalOfParsed(parsed);
}

function refusalOfHost(host: string, allowlist: Allowlist): string | undefined {
  if (host === '') return 'no host';
  if (isIP(host) !== 0) return refusalOfAddress(host, allowlist);
  if (allowlist.names.has(host)) return undefined;
  // RFC 6761: every *.localhost name is loopback, whatever a resolver says.
  if (host === 'localhost' || host.endsWith('.localhost')) return `loopback name ${host}`;
  return undefined;
}

function refusalOfParsed(address: Address): string | undefined {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? undefined : `${labelOf(range)} address ${address.toString()}`;
  }
  const v6 = address as ipaddr.IPv6;
  const shown = v6.toRFC5952String();
  const range: string = v6.range();
  const embedded = embeddedIPv4(v6, range);
  if (embedded !== undefined) {
    const inner = refusalOfParsed(embedded);
    return inner === undefined ? undefined : `${labelOf(range)} address ${shown} (embeds ${inner})`;
  }
  if (range === 'teredo') return `Teredo address ${shown} (a tunnel to an IPv4 host that cannot be vetted)`;
  if (range === 'rfc6052') return `local-use NAT64 address ${shown}`;
  if (range === 'unicast') {
    return v6.match(GLOBAL_UNICAST_V6) ? undefined : `reserved address ${shown} (outside global unicast 2000::/3)`;
  }
  return `${labelOf(range)} address ${shown}`;
}

/**
 * The IPv4 address an IPv6 address stands for, where the network would deliver to it:
 * ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (RFC 6145), 64:ff9b::a.b.c.d (RFC 6052 well-known
 * NAT64 prefix) and 2002:AABB:CCDD:: (6to4).
 */
function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  const v4 = (high: number | undefined, low: number | undefined) =>
    new ipaddr.IPv4([(high ?? 0) >> 8, (high ?? 0) & 0xff, (low ?? 0) >> 8, (low ?? 0) & 0xff]);
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v4(parts[6], parts[7]);
    case 'rfc6052':
      // Only the /96 well-known prefix embeds the address at the end; 64:ff9b:1::/48 is local use.
      return parts.slice(2, 6).every((part) => part === 0) ? v4(parts[6], parts[7]) : undefined;
    case '6to4':
      return v4(parts[1], parts[2]);
    default:
      return undefined;
  }
}

function labelOf(range: string): string {
  if (range === 'ipv4Mapped') return 'IPv4-mapped';
  if (range === 'rfc6145') return 'IPv4-translated';
  if (range === 'rfc6052') return 'NAT64';
  return RANGE_LABELS[range] ?? `special-purpose (${range})`;
}

function isAllowlisted(address: Address, allowlist: Allowlist): boolean {
  const plain = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  return allowlist.ranges.some(([network, bits]) => network.kind() === plain.kind() && plain.match(network, bits));
}

function parseAllowlist(entries: readonly string[]): Allowlist {
  const names = new Set<string>();
  const ranges: Array<[Address, number]> = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.includes('/') && ipaddr.isValidCIDR(entry)) {
      ranges.push(ipaddr.parseCIDR(entry));
    } else if (isIP(normalizeHost(entry)) !== 0) {
      const address = ipaddr.parse(normalizeHost(entry));
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      names.add(normalizeHost(entry));
    }
  }
  return { names, ranges };
}

/** Lower case, without IPv6 brackets or the root label's trailing dot (`LOCALHOST.` is `localhost`). */
function normalizeHost(hostname: string): string {
  const lower = hostname.toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return unbracketed.replace(/\.+$/u, '');
}

function pickFamily(answers: readonly ResolvedAddress[], options: LookupOptions): ResolvedAddress[] {
  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
  return family === 4 || family === 6 ? answers.filter((answer) => answer.family === family) : [...answers];
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family }));
}
