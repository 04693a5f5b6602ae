import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { loadPolicyFile } from '../core/load-policy.js';
import { createLogger } from '../core/logger.js';
import { readRulePacks } from '../core/read-rule-packs.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import type { CollectedPost } from '../crawler/platform-adapter.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';
import { analyzePost } from '../rules/analyze-post.js';
import { compileRuleSet, type RuleSet } from '../rules/compile-rule-set.js';
import { DEMO_ACCOUNTS, DEMO_DISPLAY_NAME_PREFIX, DEMO_MEDIA, type DemoPost } from './demo-content.js';
import { DEMO_MEDIA_FOLDER, DEMO_POLICY_PATH, startDemoPlatform, type DemoPlatform } from './start-demo-platform.js';

// The bundled demo, end to end below the pipeline: the real crawler reads the demo platform, and
// the real rules (and OCR) find exactly the leaks demo-content.ts says they should.

let platform: DemoPlatform;
let crawler: Crawler;
let ruleSet: RuleSet;
const collected = new Map<string, CollectedPost[]>();

async function demoRuleSet(): Promise<RuleSet> {
  const loaded = await loadPolicyFile(DEMO_POLICY_PATH);
  const documents = await Promise.all(
    loaded.policy.confidentialDocuments.map(async (document) => ({
      id: document.id,
      title: document.title,
      text: await readFile(loaded.documentPaths.get(document.id) ?? document.path, 'utf8'),
    })),
  );
  return compileRuleSet({ packs: await readRulePacks(), policy: loaded.policy, policySource: loaded.source, documents });
}

beforeAll(async () => {
  platform = await startDemoPlatform();
  crawler = createCrawler(
    { ...loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }).crawl, requestsPerSecond: 1_000, backoffBaseMs: 10 },
    createLogger({ level: 'silent' }),
  );
  ruleSet = await demoRuleSet();
  for (const account of platform.accounts) {
    collected.set(account.username, (await crawler.collect({ platform: account.platform, handle: account.handle, baseUrl: account.baseUrl })).posts);
  }
});

afterAll(async () => {
  await crawler.close();
  await platform.close();
});

const host = (): string => new URL(platform.origin).host;
const postsOf = (username: string): readonly DemoPost[] => DEMO_ACCOUNTS.find((account) => account.username === username)?.posts ?? [];
/** The post a demo post shows: the boosted one for a boost. */
const shownOf = (post: DemoPost): DemoPost =>
  post.boostOf === undefined ? post : (postsOf(post.boostOf.username).find((candidate) => candidate.id === post.boostOf?.id) ?? post);

describe('the demo content', () => {
  it('has two corporate and four employee accounts with about forty posts in five languages, ids unique', () => {
    const posts = DEMO_ACCOUNTS.flatMap((account) => account.posts);
    expect(DEMO_ACCOUNTS.map((account) => account.kind).sort()).toEqual(['corporate', 'corporate', 'employee', 'employee', 'employee', 'employee']);
    expect(posts.length).toBe(40);
    expect(new Set(posts.map((post) => post.id)).size).toBe(posts.length);
    expect(new Set(posts.map((post) => post.language))).toEqual(new Set(['en', 'ru', 'uk', 'pl', 'el']));
    expect(DEMO_ACCOUNTS.filter((account) => account.kind === 'employee').map((account) => account.owner?.email.endsWith('@demo.invalid'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('resolves the demo policy and pictures from the source tree', async () => {
    expect(DEMO_POLICY_PATH).toBe(path.resolve(import.meta.dirname, 'demo.policy.yaml'));
    expect((await readFile(path.join(DEMO_MEDIA_FOLDER, DEMO_MEDIA.whiteboard.file))).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('the demo platform, read by the real crawler', () => {
  it('gives every demo account exactly the posts demo-content defines, newest first, boosts as reposts', () => {
    for (const account of DEMO_ACCOUNTS) {
      const posts = collected.get(account.username) ?? [];
      expect(posts.map((post) => post.externalId)).toEqual(account.posts.map((post) => `${host()}/${post.id}`));
      expect(posts.map((post) => post.text)).toEqual(account.posts.map((post) => shownOf(post).text));
      expect(posts.map((post) => post.publishedAt)).toEqual(account.posts.map((post) => post.publishedAt));
      expect(posts.map((post) => post.isRepost)).toEqual(account.posts.map((post) => post.boostOf !== undefined));
      expect(posts.map((post) => post.media.map((media) => media.url))).toEqual(
        account.posts.map((post) => shownOf(post).images.map((image) => `${platform.origin}/media/${image.file}`)),
      );
    }
    expect([...collected.values()].flat().filter((post) => post.isRepost)).toHaveLength(1);
  });

  it('serves every attached picture through the crawler’s guarded media fetch, byte for byte', async () => {
    const urls = [...new Set([...collected.values()].flat().flatMap((post) => post.media.map((media) => media.url)))];
    expect(urls).toHaveLength(Object.keys(DEMO_MEDIA).length);
    for (const url of urls) {
      const fetched = await crawler.fetchMedia(url);
      expect(fetched.bytes.equals(await readFile(path.join(DEMO_MEDIA_FOLDER, path.basename(url))))).toBe(true);
    }
  });

  it('registers each account as a mastodon handle on demo.invalid with the demo server as its base URL', () => {
    expect(platform.accounts.map((account) => [account.platform, account.handle, account.baseUrl])).toEqual(
      DEMO_ACCOUNTS.map((account) => ['mastodon', `${account.username}@demo.invalid`, platform.origin]),
    );
    expect(platform.accounts.filter((account) => account.owner !== undefined).map((account) => account.owner?.employeeId)).toEqual([
      'DEMO-0001',
      'DEMO-0002',
      'DEMO-0003',
      'DEMO-0004',
    ]);
  });
});

describe('the demo markers', () => {
  it('says on the root page, in plain text, that this is the overshare demo platform with invented data', async () => {
    const response = await fetch(`${platform.origin}/`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/u);
    const text = await response.text();
    expect(text).toMatch(/overshare demo platform/u);
    expect(text).toMatch(/invented/u);
    expect(text).toContain('DEMO DATA');
  });

  it('sends X-Overshare-Demo: true on every answer, found or not', async () => {
    const lookup = `${platform.origin}/api/v1/accounts/lookup?acct=demo_orbital`;
    const id = ((await (await fetch(lookup)).json()) as { id: string }).id;
    const paths = [
      '/',
      '/api/v1/accounts/lookup?acct=demo_orbital',
      `/api/v1/accounts/${id}`,
      `/api/v1/accounts/${id}/statuses`,
      `/media/${DEMO_MEDIA.expoPoster.file}`,
      '/@demo_orbital',
      '/api/v1/accounts/lookup?acct=nobody',
      '/media/../demo.policy.yaml',
      '/nowhere',
    ];
    for (const where of paths) {
      const response = await fetch(`${platform.origin}${where}`);
      await response.arrayBuffer();
      expect([where, response.headers.get('x-overshare-demo')]).toEqual([where, 'true']);
    }
  });

  it('names every account DEMO · … and says in its note that it is demo data', async () => {
    for (const account of platform.accounts) {
      const response = await fetch(`${platform.origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(account.handle)}`);
      const body = (await response.json()) as { display_name: string; note: string; username: string };
      expect(body.username).toBe(account.username);
      expect(body.display_name.startsWith(DEMO_DISPLAY_NAME_PREFIX)).toBe(true);
      expect(body.note).toMatch(/Demo data/u);
    }
  });

  it('shows each post as a page under a demo-data banner', async () => {
    const post = collected.get('anna_nowak')?.[0];
    const response = await fetch(post?.permalink ?? '');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('DEMO DATA');
    expect(html).toContain('Pierwszy śnieg w Gdańsku!');
  });
});

describe('the demo platform’s Mastodon API', () => {
  it('pages statuses with Link rel="next" and max_id, and since_id answers only newer ones', async () => {
    const { id } = (await (await fetch(`${platform.origin}/api/v1/accounts/lookup?acct=anna_nowak`)).json()) as { id: string };
    const ids: string[] = [];
    let next: string | undefined = `${platform.origin}/api/v1/accounts/${id}/statuses?limit=2`;
    while (next !== undefined) {
      const response: Response = await fetch(next);
      ids.push(...((await response.json()) as { id: string }[]).map((status) => status.id));
      next = /<([^>]+)>; rel="next"/u.exec(response.headers.get('link') ?? '')?.[1];
    }
    const expected = postsOf('anna_nowak').map((post) => post.id);
    expect(ids).toEqual(expected);
    const newer = (await (await fetch(`${platform.origin}/api/v1/accounts/${id}/statuses?since_id=${expected[2] ?? ''}`)).json()) as { id: string }[];
    expect(newer.map((status) => status.id)).toEqual(expected.slice(0, 2));
  });

  it('looks accounts up as user, @user, user@demo.invalid and user@its own host, and answers 404 for another server’s', async () => {
    const status = async (acct: string) => (await fetch(`${platform.origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`)).status;
    expect(await status('olena_kovalenko')).toBe(200);
    expect(await status('@olena_kovalenko')).toBe(200);
    expect(await status('olena_kovalenko@demo.invalid')).toBe(200);
    expect(await status(`olena_kovalenko@${host()}`)).toBe(200);
    expect(await status('olena_kovalenko@mastodon.social')).toBe(404);
    expect(await status('nobody')).toBe(404);
  });

  it('refuses to change anything', async () => {
    const response = await fetch(`${platform.origin}/api/v1/statuses`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
  });

  it('answers a broken percent escape with 400 and keeps serving', async () => {
    expect((await fetch(`${platform.origin}/media/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${platform.origin}/`)).status).toBe(200);
  });
});

describe('the demo policy and rule packs over the collected posts', () => {
  it('flag exactly the posts whose text demo-content marks as a leak, with the intended rule', () => {
    const flagged: string[] = [];
    for (const [username, posts] of collected) {
      for (const post of posts) {
        const analysis = analyzePost(ruleSet, { text: post.text, account: `mastodon:${username}@demo.invalid` });
        if (!analysis.leak) continue;
        const demoPost = postsOf(username).find((candidate) => post.externalId.endsWith(`/${candidate.id}`));
        const reached = analysis.findings.filter((finding) => finding.score >= ruleSet.policy.reviewThreshold).map((finding) => finding.ruleId);
        expect([username, demoPost?.id, reached.some((rule) => demoPost?.leak?.rules.includes(rule))]).toEqual([username, demoPost?.id, true]);
        flagged.push(`${username}/${demoPost?.id ?? post.externalId}`);
      }
    }
    const intended = DEMO_ACCOUNTS.flatMap((account) => account.posts.filter((post) => post.leak?.source === 'text').map((post) => `${account.username}/${post.id}`));
    expect(intended).toHaveLength(8);
    expect(flagged.sort()).toEqual(intended.sort());
  });
});

describe('the demo pictures, read by the real OCR engine', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await createOcrEngine({ workers: 1 });
  }, 120_000);
  afterAll(async () => {
    await engine.close();
  });

  const readAndAnalyze = async (file: string) => {
    const extracted = await engine.extract((await crawler.fetchMedia(`${platform.origin}/media/${file}`)).bytes, file);
    const gps = extracted.metadata.gps;
    return { extracted, analysis: analyzePost(ruleSet, { images: [{ words: extracted.words, ...(gps === undefined ? {} : { gps }) }] }) };
  };

  it('reads the CONFIDENTIAL marking and the code name off the whiteboard photo, and the rules flag both', async () => {
    const { extracted, analysis } = await readAndAnalyze(DEMO_MEDIA.whiteboard.file);
    expect(extracted.text).toMatch(/CONFIDENTIAL/u);
    expect(extracted.text).toMatch(/Skylark/u);
    const reached = analysis.findings.filter((finding) => finding.score >= ruleSet.policy.reviewThreshold);
    expect(reached.map((finding) => [finding.ruleId, finding.evidence.source]).sort()).toEqual([
      ['codename-skylark', 'ocr'],
      ['marking-confidential', 'ocr'],
    ]);
  });

  it('finds the launch-site photo’s GPS inside the sensitive site, and nothing in the poster or the sunset', async () => {
    const site = await readAndAnalyze(DEMO_MEDIA.launchSite.file);
    expect(site.analysis.findings.map((finding) => [finding.ruleId, finding.evidence.source])).toEqual([['sensitive-site-location', 'exif']]);
    expect(site.analysis.leak).toBe(true);
    const poster = await readAndAnalyze(DEMO_MEDIA.expoPoster.file);
    expect(poster.extracted.text).toMatch(/Hall B/u);
    expect(poster.analysis.findings).toEqual([]);
    const sunset = await readAndAnalyze(DEMO_MEDIA.antennaSunset.file);
    expect(sunset.extracted.gate.text).toBe(false);
    expect(sunset.analysis.findings).toEqual([]);
  });
});
