import { describe, expect, it } from 'vitest';
import { policySchema, type Policy } from '../core/policy-schema.js';
import { fixedRulesInForce } from './fixed-rule-ids.js';
import { linksIn, takeoverSignals, takeoverWindows, type TakeoverHistory, type TakeoverReading, type TakeoverSignalPost } from './takeover-signals.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function policyWith(extra: Record<string, unknown> = {}): Policy {
  return policySchema.parse({ version: 1, organisation: { name: 'Acme' }, emailDomains: ['acme.example'], ...extra });
}

const POLICY = policyWith();

function post(id: string, hoursAgo: number, text = 'Team news'): TakeoverSignalPost {
  return { postId: id, publishedAt: new Date(NOW.getTime() - hoursAgo * HOUR), text };
}

/** A learned account with 30 days of history at `baselinePosts`, nothing in the window unless said. */
function history(overrides: Partial<TakeoverHistory> = {}): TakeoverHistory {
  return {
    windows: takeoverWindows(NOW, new Date(NOW.getTime() - 90 * DAY), POLICY.takeover),
    postsInWindow: 0,
    baselinePosts: 30,
    isBurstReported: false,
    knownDomains: new Set(['news.example.org']),
    storedProfile: { displayName: 'Acme', avatarUrl: 'https://cdn4.cdn-telegram.org/file/acme.jpg' },
    newestStoredPostId: 'stored-newest',
    ...overrides,
  };
}

function reading(posts: readonly TakeoverSignalPost[], profile?: TakeoverReading['profile']): TakeoverReading {
  return { posts, profile, now: NOW };
}

function ruleIds(policy: Policy, past: TakeoverHistory, now: TakeoverReading): string[] {
  return takeoverSignals(policy, past, now).findings.map((finding) => finding.ruleId);
}

describe('takeoverWindows', () => {
  it('counts the burst window back from now and the baseline 30 days before it', () => {
    const windows = takeoverWindows(NOW, new Date('2020-01-01T00:00:00Z'), POLICY.takeover);
    expect(windows.windowStart).toEqual(new Date('2026-11-20T06:00:00Z'));
    expect(windows.baselineStart).toEqual(new Date('2026-10-21T06:00:00Z'));
    expect(windows.baselineDays).toBe(30);
  });

  it('starts the baseline at the history it has, when that is shorter', () => {
    const windows = takeoverWindows(NOW, new Date('2026-11-16T06:00:00Z'), POLICY.takeover);
    expect(windows.baselineDays).toBe(4);
  });

  it('has no baseline without a history before the window', () => {
    expect(takeoverWindows(NOW, undefined, POLICY.takeover).baselineDays).toBe(0);
    expect(takeoverWindows(NOW, new Date('2026-11-20T10:00:00Z'), POLICY.takeover).baselineDays).toBe(0);
  });
});

describe('linksIn', () => {
  it('finds links with a scheme, from www. and bare domains followed by a path, without the closing punctuation', () => {
    const text = 'Claim at https://Claim-ETH.example.io/airdrop?ref=1, or www.promo.example.net. Also drainer.example.xyz/connect!';
    expect(linksIn(text).map(({ text: written, domain }) => [written, domain])).toEqual([
      ['https://Claim-ETH.example.io/airdrop?ref=1', 'claim-eth.example.io'],
      ['www.promo.example.net', 'promo.example.net'],
      ['drainer.example.xyz/connect', 'drainer.example.xyz'],
    ]);
    const [first] = linksIn(text);
    expect(text.slice(first?.start, first?.end)).toBe('https://Claim-ETH.example.io/airdrop?ref=1');
  });

  it('leaves file and product names, addresses without a dot and IP addresses out', () => {
    expect(linksIn('Built with Node.js, see report.pdf and http://localhost:3000/x and http://192.168.1.5/admin')).toEqual([]);
  });

  it('gives international names in punycode', () => {
    expect(linksIn('Заберите приз: https://приз.example/акция').map((link) => link.domain)).toEqual(['xn--g1abue.example']);
  });
});

describe('a burst of posts', () => {
  const burstReading = reading(Array.from({ length: 12 }, (_, index) => post(`p${String(index)}`, index * 0.2)));

  it('is reported on the newest post of the window when the posts far exceed the usual daily rate', () => {
    const { findings } = takeoverSignals(POLICY, history({ postsInWindow: 12 }), burstReading);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'takeover-post-burst',
      postId: 'p0',
      category: 'takeover',
      severity: 'medium',
      score: 60,
      evidence: { source: 'text', text: '12 posts in 6 hours; usually 1.0 a day over 30 days' },
    });
  });

  it('scores more at twice its threshold', () => {
    const [finding] = takeoverSignals(POLICY, history({ postsInWindow: 16 }), burstReading).findings;
    expect(finding?.score).toBe(70);
  });

  it('is no burst for a quiet account posting a few times', () => {
    expect(ruleIds(POLICY, history({ postsInWindow: 3, baselinePosts: 0 }), reading([post('a', 1), post('b', 2), post('c', 3)]))).toEqual([]);
  });

  it('is no burst for a busy account posting at its usual pace', () => {
    expect(ruleIds(POLICY, history({ postsInWindow: 12, baselinePosts: 300 }), burstReading)).toEqual([]);
  });

  it('needs a day of history before the window', () => {
    const windows = takeoverWindows(NOW, new Date(NOW.getTime() - 20 * HOUR), POLICY.takeover);
    expect(ruleIds(POLICY, history({ windows, postsInWindow: 12, baselinePosts: 0 }), burstReading)).toEqual([]);
  });

  it('is reported once: not again while a burst finding stands in the window', () => {
    expect(ruleIds(POLICY, history({ postsInWindow: 14, isBurstReported: true }), burstReading)).toEqual([]);
  });

  it('needs a post of this reading in the window', () => {
    expect(ruleIds(POLICY, history({ postsInWindow: 12 }), reading([post('old', 30)]))).toEqual([]);
  });

  it('follows the policy: its own threshold, and off when overridden', () => {
    const strict = policyWith({ takeover: { burstMinPosts: 20 } });
    expect(ruleIds(strict, history({ postsInWindow: 12 }), burstReading)).toEqual([]);
    const off = policyWith({ overrides: { 'takeover-post-burst': { enabled: false } } });
    expect(ruleIds(off, history({ postsInWindow: 12 }), burstReading)).toEqual([]);
  });
});

describe('links to new domains', () => {
  const linking = reading([
    post('newer', 1, 'Again: https://claim-eth.example.io/now'),
    post('older', 2, 'Claim yours at https://claim-eth.example.io/airdrop and read https://blog.news.example.org/x'),
  ]);

  it('are reported once per domain, on the oldest post of the reading that links it, with the link as evidence', () => {
    const { findings, domains } = takeoverSignals(POLICY, history(), linking);
    expect(findings.map((finding) => [finding.ruleId, finding.postId, finding.severity, finding.score, finding.evidence])).toEqual([
      ['takeover-new-link-domain', 'older', 'low', 45, { source: 'text', text: 'https://claim-eth.example.io/airdrop', start: 15, end: 51 }],
    ]);
    expect(domains).toEqual(['claim-eth.example.io', 'blog.news.example.org']);
  });

  it('are only learned at the first reading', () => {
    const { findings, domains } = takeoverSignals(POLICY, history({ knownDomains: undefined }), linking);
    expect(findings).toEqual([]);
    expect(domains).toEqual(['claim-eth.example.io', 'blog.news.example.org']);
  });

  it("leave the organisation's own domains and their subdomains alone, and do not learn them", () => {
    const own = policyWith({ internalDomains: ['corp.acme.internal'], takeover: { ownDomains: ['acme-shop.example'] } });
    const posts = reading([post('p', 1, 'See https://www.acme.example/jobs, https://shop.acme-shop.example/sale and https://wiki.corp.acme.internal/x')]);
    const { findings, domains } = takeoverSignals(own, history(), posts);
    expect(findings).toEqual([]);
    expect(domains).toEqual([]);
  });

  it('are stronger together with other signals of the same reading', () => {
    const { findings } = takeoverSignals(POLICY, history(), reading(linking.posts, { displayName: 'Acme Giveaway', avatarUrl: 'https://cdn4.cdn-telegram.org/file/acme.jpg' }));
    expect(findings.find((finding) => finding.ruleId === 'takeover-new-link-domain')).toMatchObject({ score: 65 });
    expect(findings.find((finding) => finding.ruleId === 'takeover-new-link-domain')?.reasons).toContain('+20 with a new display name in the same reading');
  });
});

describe('a changed profile', () => {
  it('reports a new display name on the newest post of the reading and stores it', () => {
    const result = takeoverSignals(POLICY, history(), reading([post('a', 1), post('b', 3)], { displayName: 'Acme Support Team' }));
    expect(result.findings).toMatchObject([
      { ruleId: 'takeover-profile-changed', postId: 'a', severity: 'medium', score: 60, evidence: { source: 'text', text: 'display name "Acme" → "Acme Support Team"' } },
    ]);
    expect(result.profile).toEqual({ displayName: 'Acme Support Team', avatarUrl: 'https://cdn4.cdn-telegram.org/file/acme.jpg' });
  });

  it('reports a new avatar a little lower, and ignores the same picture served from another host or with a query', () => {
    const moved = takeoverSignals(POLICY, history(), reading([post('a', 1)], { avatarUrl: 'https://cdn1.cdn-telegram.org/file/acme.jpg?v=2' }));
    expect(moved.findings).toEqual([]);
    const changed = takeoverSignals(POLICY, history(), reading([post('a', 1)], { avatarUrl: 'https://cdn4.cdn-telegram.org/file/other.jpg' }));
    expect(changed.findings).toMatchObject([{ ruleId: 'takeover-profile-changed', score: 50 }]);
  });

  it('ignores spacing and Unicode composition in names', () => {
    expect(ruleIds(POLICY, history({ storedProfile: { displayName: 'Café  Acme' } }), reading([post('a', 1)], { displayName: ' Cafe\u0301 Acme ' }))).toEqual([]);
  });

  it('only learns the profile at the first reading', () => {
    const result = takeoverSignals(POLICY, history({ storedProfile: undefined }), reading([post('a', 1)], { displayName: 'Anything' }));
    expect(result.findings).toEqual([]);
    expect(result.profile).toEqual({ displayName: 'Anything' });
  });

  it('remembers an account read on a platform that shows no profile, so its next reading is not a first one', () => {
    expect(takeoverSignals(POLICY, history({ storedProfile: undefined }), reading([])).profile).toEqual({});
  });

  it('files a change in a reading without posts on the newest stored post, or waits for a post', () => {
    const filed = takeoverSignals(POLICY, history(), reading([], { displayName: 'Elon' }));
    expect(filed.findings.map((finding) => finding.postId)).toEqual(['stored-newest']);
    const waiting = takeoverSignals(POLICY, history({ newestStoredPostId: undefined }), reading([], { displayName: 'Elon' }));
    expect(waiting.findings).toEqual([]);
    expect(waiting.profile).toBeUndefined();
  });
});

describe('the takeover pack left out of the policy', () => {
  it('reports nothing but still learns domains and profile', () => {
    const without = policyWith({ packs: ['markings'] });
    const result = takeoverSignals(without, history({ postsInWindow: 20 }), reading([post('a', 1, 'https://new.example.io/x')], { displayName: 'Other' }));
    expect(result.findings).toEqual([]);
    expect(result.domains).toEqual(['new.example.io']);
    expect(result.profile?.displayName).toBe('Other');
  });
});

describe('fixedRulesInForce (the rules listing)', () => {
  it('lists every takeover signal with its title, description and severity, and the policy overrides applied', () => {
    const rules = fixedRulesInForce(policyWith({ overrides: { 'takeover-new-link-domain': { severity: 'medium', score: 55 }, 'takeover-post-burst': { enabled: false } } }));
    const takeover = rules.filter((rule) => rule.pack === 'takeover');
    expect(takeover.map((rule) => [rule.id, rule.category, rule.severity, rule.score])).toEqual([
      ['takeover-new-link-domain', 'takeover', 'medium', 55],
      ['takeover-profile-changed', 'takeover', 'medium', 60],
    ]);
    expect(takeover.every((rule) => rule.title !== '' && rule.description.length > 40)).toBe(true);
    expect(fixedRulesInForce(POLICY).map((rule) => rule.id)).toEqual([
      'confidential-document',
      'sensitive-site-location',
      'takeover-post-burst',
      'takeover-new-link-domain',
      'takeover-profile-changed',
    ]);
  });

  it('leaves out the rules of packs the policy does not enable', () => {
    expect(fixedRulesInForce(policyWith({ packs: ['markings', 'fingerprints'] })).map((rule) => rule.id)).toEqual(['confidential-document']);
  });
});
