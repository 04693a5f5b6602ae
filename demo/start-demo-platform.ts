import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { DEMO_ACCOUNTS, type DemoAccountContent, type DemoOwner, type DemoPost } from './demo-content.js';
import { demoAccountJson, demoStatusJson, type DemoServerAddress } from './demo-status-json.js';
import { renderProfilePage, renderStatusPage, type ShownPost } from './render-demo-pages.js';

/**
 * The bundled demo platform: a small Mastodon-compatible server holding invented accounts and
 * posts (demo-content.ts), so `overshare demo` shows the whole product on a fresh machine without
 * touching any real platform. It answers the public REST API the way overshare's Mastodon adapter
 * reads it, serves the demo pictures and shows each profile and post as a page. Every answer
 * carries `X-Overshare-Demo: true`, every display name starts with `DEMO · `, and `/` says in plain
 * text that all of it is invented.
 */

/**
 * The folder overshare is installed in, found from this module both in the source tree (demo/)
 * and in the build (dist/demo/): demo/media and the demo policy are not copied into dist.
 */
const installRoot = (): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
};

/** The demo organisation's policy file (demo/demo.policy.yaml), an absolute path. */
export const DEMO_POLICY_PATH = path.join(installRoot(), 'demo', 'demo.policy.yaml');
/** The folder of the demo pictures (demo/media), an absolute path. */
export const DEMO_MEDIA_FOLDER = path.join(installRoot(), 'demo', 'media');
/** The invented instance domain of the demo handles: `.invalid` never resolves, so a handle without its base URL reaches no real server. */
export const DEMO_INSTANCE_DOMAIN = 'demo.invalid';

/** A demo account as overshare registers it: platform, handle and the demo server's base URL, plus who owns it. */
export interface DemoAccount {
  readonly platform: 'mastodon';
  /** `username@demo.invalid`: stable across runs (the server's port is not), and unreachable without `baseUrl`. */
  readonly handle: string;
  /** The demo server's origin, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /** The profile page on the demo server. */
  readonly url: string;
  readonly username: string;
  readonly kind: 'corporate' | 'employee';
  /** Starts with `DEMO · `. */
  readonly displayName: string;
  readonly owner?: DemoOwner;
}

/** A running demo platform. */
export interface DemoPlatform {
  /** `http://host:port`, no trailing slash. */
  readonly origin: string;
  readonly accounts: readonly DemoAccount[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Where the demo platform listens: default 127.0.0.1 and a free port (0). */
export interface DemoPlatformOptions {
  readonly host?: string;
  readonly port?: number;
  /** The accounts it serves instead of the bundled demo's (tests serve posts of their own). */
  readonly accounts?: readonly DemoAccountContent[];
  /** Pictures by file name, used before demo/media/ (tests attach images they drew). */
  readonly media?: ReadonlyMap<string, Buffer>;
}

/** The server's address and the accounts it serves. */
interface DemoSite extends DemoServerAddress {
  readonly accounts: readonly DemoAccountContent[];
}

const PAGE_DEFAULT = 20;
const PAGE_MAX = 40;
const DEMO_HEADERS = { 'x-overshare-demo': 'true', 'cache-control': 'no-store' };
const JSON_TYPE = 'application/json; charset=utf-8';

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
}

const json = (body: unknown, headers: Record<string, string> = {}): Answer => ({ status: 200, type: JSON_TYPE, body: JSON.stringify(body), headers });
const NOT_FOUND_JSON: Answer = { status: 404, type: JSON_TYPE, body: '{"error":"Record not found"}' };
const NOT_FOUND_TEXT: Answer = { status: 404, type: 'text/plain; charset=utf-8', body: 'Not found on the overshare demo platform (demo data). See / for what is here.\n' };

/** Every picture the demo posts attach, read once so a missing file fails the start, not a scan. */
async function readDemoMedia(accounts: readonly DemoAccountContent[], given: ReadonlyMap<string, Buffer>): Promise<Map<string, Buffer>> {
  const files = new Set(accounts.flatMap((account) => account.posts.flatMap((post) => post.images.map((image) => image.file))));
  const media = new Map<string, Buffer>(given);
  for (const file of files) {
    if (media.has(file)) continue;
    try {
      media.set(file, await readFile(path.join(DEMO_MEDIA_FOLDER, file)));
    } catch (error) {
      throw new ConfigError(
        `The demo platform cannot read its picture ${path.join(DEMO_MEDIA_FOLDER, file)} (${(error as NodeJS.ErrnoException).code ?? 'error'}). ` +
          'The demo pictures ship with overshare in demo/media/; reinstall or check the installation.',
        { cause: error },
      );
    }
  }
  return media;
}

/**
 * Starts the demo platform on `host:port` (default 127.0.0.1 and a free port). Throws ConfigError
 * when a demo picture is missing or the address cannot be listened on.
 */
export async function startDemoPlatform(options: DemoPlatformOptions = {}): Promise<DemoPlatform> {
  const host = options.host ?? '127.0.0.1';
  const content = options.accounts ?? DEMO_ACCOUNTS;
  const media = await readDemoMedia(content, options.media ?? new Map());
  let origin = '';
  const accountIds = new Map(content.map((account, index) => [account.username, String(109_200_000_000_000_000n + BigInt(index + 1))]));
  const address: DemoSite = { get origin() { return origin; }, accountId: (username) => accountIds.get(username) ?? '0', accounts: content };

  const server = createServer((request, response) => {
    let result: Answer;
    try {
      result = answer(request, address, media);
    } catch (error) {
      // A request line no URL parser accepts, or a broken percent escape: the client's fault, not a crash.
      if (!(error instanceof TypeError || error instanceof URIError)) throw error;
      result = { status: 400, type: 'text/plain; charset=utf-8', body: 'Bad request (overshare demo platform, demo data).\n' };
    }
    respond(request, response, result);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new ConfigError(`The demo platform cannot listen on ${host}:${String(options.port ?? 0)} (${error.code ?? 'error'}); choose another port or host.`, { cause: error }));
    });
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${String(port)}`;

  return {
    origin,
    accounts: content.map((account) => ({
      platform: 'mastodon',
      handle: `${account.username}@${DEMO_INSTANCE_DOMAIN}`,
      baseUrl: origin,
      url: `${origin}/@${account.username}`,
      username: account.username,
      kind: account.kind,
      displayName: account.displayName,
      ...(account.owner === undefined ? {} : { owner: account.owner }),
    })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function respond(request: IncomingMessage, response: ServerResponse, result: Answer): void {
  response.writeHead(result.status, { ...DEMO_HEADERS, 'content-type': result.type, 'content-length': String(Buffer.byteLength(result.body)), ...result.headers });
  response.end(request.method === 'HEAD' ? undefined : result.body);
}

function answer(request: IncomingMessage, address: DemoSite, media: ReadonlyMap<string, Buffer>): Answer {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return { status: 405, type: 'text/plain; charset=utf-8', body: 'The overshare demo platform is read-only: use GET.\n', headers: { allow: 'GET, HEAD' } };
  }
  const url = new URL(request.url ?? '/', address.origin);
  const pathname = url.pathname;
  if (pathname === '/') return { status: 200, type: 'text/plain; charset=utf-8', body: rootText(address) };
  if (pathname.startsWith('/media/')) {
    const file = media.get(decodeURIComponent(pathname.slice('/media/'.length)));
    return file === undefined ? NOT_FOUND_TEXT : { status: 200, type: pathname.endsWith('.png') ? 'image/png' : 'image/jpeg', body: file };
  }
  if (pathname.startsWith('/api/')) return apiAnswer(pathname, url.searchParams, address);
  const profile = /^\/@([A-Za-z0-9_]+)(?:\/(\d+))?\/?$/u.exec(pathname);
  const account = address.accounts.find((candidate) => candidate.username === profile?.[1]);
  if (account === undefined) return NOT_FOUND_TEXT;
  const items = account.posts.map((post) => shownPost(account, post, address));
  if (profile?.[2] === undefined) return { status: 200, type: 'text/html; charset=utf-8', body: renderProfilePage(account, items) };
  const item = items.find((candidate) => candidate.post.id === profile[2]);
  return item === undefined ? NOT_FOUND_TEXT : { status: 200, type: 'text/html; charset=utf-8', body: renderStatusPage(item) };
}

function apiAnswer(pathname: string, query: URLSearchParams, address: DemoSite): Answer {
  if (pathname === '/api/v1/accounts/lookup') {
    const account = accountByAcct(query.get('acct') ?? '', address);
    return account === undefined ? NOT_FOUND_JSON : json(demoAccountJson(account, address));
  }
  const byId = /^\/api\/v1\/accounts\/(\d+)(\/statuses)?$/u.exec(pathname);
  if (byId === null) return { status: 404, type: JSON_TYPE, body: '{"error":"Not Found"}' };
  const account = address.accounts.find((candidate) => address.accountId(candidate.username) === byId[1]);
  if (account === undefined) return NOT_FOUND_JSON;
  return byId[2] === undefined ? json(demoAccountJson(account, address)) : statusesAnswer(account, query, address);
}

/** `user`, `@user`, `user@demo.invalid` or `user@<this server's host>`; any other domain is another server's account. */
function accountByAcct(acct: string, site: DemoSite): DemoAccountContent | undefined {
  const origin = site.origin;
  const [username = '', domain, ...rest] = acct.trim().replace(/^@/u, '').split('@');
  if (rest.length > 0) return undefined;
  if (domain !== undefined && ![DEMO_INSTANCE_DOMAIN, new URL(origin).host].includes(domain.toLowerCase())) return undefined;
  return site.accounts.find((account) => account.username.toLowerCase() === username.toLowerCase());
}

/** One page of an account's statuses, newest first, with Mastodon's `limit`, `max_id`, `since_id`, `min_id` and Link header. */
function statusesAnswer(account: DemoAccountContent, query: URLSearchParams, address: DemoSite): Answer {
  const requested = Number.parseInt(query.get('limit') ?? '', 10);
  const limit = Number.isNaN(requested) || requested < 1 ? PAGE_DEFAULT : Math.min(requested, PAGE_MAX);
  const bound = (name: string): bigint | undefined => {
    const value = query.get(name);
    return value !== null && /^\d{1,20}$/u.test(value) ? BigInt(value) : undefined;
  };
  const [maxId, sinceId, minId] = [bound('max_id'), bound('since_id'), bound('min_id')];
  const matching = account.posts.filter((post) => {
    const id = BigInt(post.id);
    return (maxId === undefined || id < maxId) && (sinceId === undefined || id > sinceId) && (minId === undefined || id > minId);
  });
  // min_id asks for the page just above it: the oldest `limit` of the newer statuses, still listed newest first.
  const page = minId === undefined ? matching.slice(0, limit) : matching.slice(-limit);
  const base = `${address.origin}/api/v1/accounts/${address.accountId(account.username)}/statuses?limit=${String(limit)}`;
  const links: string[] = [];
  const [first, last] = [page[0], page.at(-1)];
  if (last !== undefined && page.length === limit) links.push(`<${base}&max_id=${last.id}>; rel="next"`);
  if (first !== undefined) links.push(`<${base}&min_id=${first.id}>; rel="prev"`);
  const statuses = page.map((post) => {
    const boosted = boostedPost(post, address.accounts);
    return demoStatusJson(account, post, address, boosted);
  });
  return json(statuses, links.length === 0 ? {} : { link: links.join(', ') });
}

function boostedPost(post: DemoPost, accounts: readonly DemoAccountContent[]): { account: DemoAccountContent; post: DemoPost } | undefined {
  if (post.boostOf === undefined) return undefined;
  const { username, id } = post.boostOf;
  const author = accounts.find((account) => account.username === username);
  const original = author?.posts.find((candidate) => candidate.id === id);
  return author === undefined || original === undefined ? undefined : { account: author, post: original };
}

function shownPost(account: DemoAccountContent, post: DemoPost, site: DemoSite): ShownPost {
  const origin = site.origin;
  const boosted = boostedPost(post, site.accounts);
  return {
    account,
    post,
    shown: boosted?.post ?? post,
    shownAuthor: boosted?.account ?? account,
    mediaUrl: (file) => `${origin}/media/${file}`,
    statusUrl: (username, id) => `${origin}/@${username}/${id}`,
  };
}

function rootText(site: DemoSite): string {
  const origin = site.origin;
  const lines = site.accounts.map(
    (account) => `  ${origin}/@${account.username}  ${account.displayName} (${account.kind}, ${String(account.posts.length)} posts)`,
  );
  return [
    'overshare demo platform: DEMO DATA',
    '',
    'This server is the overshare demo platform. Every organisation, person, account, post, picture,',
    'host name, badge number and key on it is invented: "Demo Orbital Ltd" does not exist, and every',
    'domain ends in .invalid. It speaks the small part of the Mastodon API that overshare reads, so',
    '`overshare demo` can show a whole scan without touching a real platform.',
    '',
    'Accounts:',
    ...lines,
    '',
  ].join('\n');
}
