import type { LookupAddress } from 'node:dns';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createAddressGuard, RefusedAddressError, type AddressGuard, type ResolvedAddress } from './address-guard.js';

const closed = createAddressGuard({ allowedPrivateHosts: [] });

function refusalOf(guard: AddressGuard, url: string): RefusedAddressError | undefined {
  try {
    guard.checkUrl(new URL(url));
    return undefined;
  } catch (error) {
    if (error instanceof RefusedAddressError) return error;
    throw error;
  }
}

function fixedResolver(answers: ResolvedAddress[]) {
  const calls: string[] = [];
  const resolve = (name: string) => {
    calls.push(name);
    return Promise.resolve(answers);
  };
  return { resolve, calls };
}

/** guard.lookup as a promise, in the single-address or the `all` form. */
function lookupWith(guard: AddressGuard, name: string, all: boolean): Promise<string | LookupAddress[]> {
  return new Promise((resolve, reject) => {
    guard.lookup(name, { all }, (error, address) => (error === null ? resolve(address) : reject(error)));
  });
}

describe('checkUrl', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://10.1.2.3/', 'private address 10.1.2.3'],
    ['http://172.16.0.1/', 'private address 172.16.0.1'],
    ['http://192.168.1.1:8080/', 'private address 192.168.1.1'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local address 169.254.169.254'],
    ['http://100.64.0.1/', 'carrier-grade NAT address 100.64.0.1'],
    ['http://224.0.0.1/', 'multicast address 224.0.0.1'],
    ['http://0.0.0.0/', 'unspecified address 0.0.0.0'],
    ['http://255.255.255.255/', 'broadcast address 255.255.255.255'],
    ['http://240.0.0.1/', 'reserved address 240.0.0.1'],
    ['http://[::1]/', 'loopback address ::1'],
    ['http://[::]/', 'unspecified address ::'],
    ['http://[fe80::1]/', 'link-local address fe80::1'],
    ['http://[fc00::1]/', 'unique-local address fc00::1'],
    ['http://[ff02::1]/', 'multicast address ff02::1'],
    ['http://[::ffff:10.0.0.1]/', 'IPv4-mapped address ::ffff:a00:1 (embeds private address 10.0.0.1)'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped address ::ffff:7f00:1 (embeds loopback address 127.0.0.1)'],
    ['http://[::ffff:0:a00:1]/', 'IPv4-translated address ::ffff:0:a00:1 (embeds private address 10.0.0.1)'],
    ['http://[64:ff9b::7f00:1]/', 'NAT64 address 64:ff9b::7f00:1 (embeds loopback address 127.0.0.1)'],
    ['http://[64:ff9b:1::808:808]/', 'local-use NAT64 address 64:ff9b:1::808:808'],
    ['http://[2002:a9fe:a9fe::]/', '6to4 address 2002:a9fe:a9fe:: (embeds link-local address 169.254.169.254)'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo address 2001:0:4136:e378:8000:63bf:3fff:fdd2 (a tunnel to an IPv4 host that cannot be vetted)'],
    // IPv4-compatible ::a.b.c.d is not an internet address, even though ipaddr.js calls it unicast.
    ['http://[::127.0.0.1]/', 'reserved address ::7f00:1 (outside global unicast 2000::/3)'],
  ])('refuses %s', (url, reason) => {
    expect(refusalOf(closed, url)?.reason).toBe(reason);
  });

  it.each([
    // WHATWG URL turns these into 127.0.0.1 before the guard sees them; the guard judges the result.
    ['http://2130706433/', 'loopback address 127.0.0.1'],
    ['http://0x7f.1/', 'loopback address 127.0.0.1'],
    ['http://0177.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://127.1/', 'loopback address 127.0.0.1'],
    ['http://0/', 'unspecified address 0.0.0.0'],
  ])('refuses the number form %s once URL has normalised it', (url, reason) => {
    expect(refusalOf(closed, url)?.reason).toBe(reason);
  });

  it.each([
    ['http://localhost:3000/', 'loopback name localhost'],
    ['http://LOCALHOST./', 'loopback name localhost'],
    ['http://api.localhost/', 'loopback name api.localhost'],
  ])('refuses the loopback name in %s without asking DNS', (url, reason) => {
    expect(refusalOf(closed, url)?.reason).toBe(reason);
  });

  it.each([
    ['file:///etc/passwd', 'scheme file:'],
    ['ftp://example.com/file', 'scheme ftp:'],
    ['gopher://example.com:70/_', 'scheme gopher:'],
    ['data:text/html,<p>hi</p>', 'scheme data:'],
    ['javascript:alert(1)', 'scheme javascript:'],
    ['ws://example.com/socket', 'scheme ws:'],
  ])('refuses the scheme of %s', (url, reason) => {
    expect(refusalOf(closed, url)?.reason).toBe(reason);
  });

  it('refuses credentials in the URL and keeps the password out of the error', () => {
    const error = refusalOf(closed, 'http://admin:hunter2@example.com/feed');
    expect(error?.reason).toBe('credentials in URL');
    expect(error?.url).toBe('http://admin:***@example.com/feed');
    expect(error?.message).not.toContain('hunter2');
  });

  it.each([
    'https://example.com/feed?page=2',
    'http://93.184.215.14:8080/',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[2002:808:808::]/',
    'http://[64:ff9b::808:808]/',
  ])('lets the public %s through', (url) => {
    expect(refusalOf(closed, url)).toBeUndefined();
  });
});

describe('the allowlist', () => {
  it('lets an allowlisted IP through and nothing next to it', () => {
    const guard = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] });
    expect(refusalOf(guard, 'http://127.0.0.1:4000/')).toBeUndefined();
    expect(refusalOf(guard, 'http://[::ffff:127.0.0.1]:4000/')).toBeUndefined();
    expect(refusalOf(guard, 'http://127.0.0.2:4000/')?.reason).toBe('loopback address 127.0.0.2');
    expect(refusalOf(guard, 'http://[::1]:4000/')?.reason).toBe('loopback address ::1');
  });

  it('lets IPv4 and IPv6 CIDR ranges through', () => {
    const guard = createAddressGuard({ allowedPrivateHosts: ['10.0.0.0/8', 'fd00::/8'] });
    expect(refusalOf(guard, 'http://10.200.0.7/')).toBeUndefined();
    expect(refusalOf(guard, 'http://[fd00::5]/')).toBeUndefined();
    expect(refusalOf(guard, 'http://192.168.0.7/')?.reason).toBe('private address 192.168.0.7');
    expect(refusalOf(guard, 'http://[fc00::5]/')?.reason).toBe('unique-local address fc00::5');
  });

  it('lets an allowlisted name resolve to private addresses, and no other name', async () => {
    const { resolve } = fixedResolver([{ address: '10.0.0.5', family: 4 }]);
    const guard = createAddressGuard({ allowedPrivateHosts: ['Fixture.Test'], resolve });
    await expect(guard.resolveChecked('fixture.test')).resolves.toEqual({ address: '10.0.0.5', family: 4 });
    await expect(guard.resolveChecked('FIXTURE.TEST.')).resolves.toEqual({ address: '10.0.0.5', family: 4 });
    await expect(guard.resolveChecked('other.test')).rejects.toMatchObject({ reason: 'other.test resolves to private address 10.0.0.5' });
  });

  it('opens localhost only when it is listed by name', () => {
    const guard = createAddressGuard({ allowedPrivateHosts: ['localhost'] });
    expect(refusalOf(guard, 'http://localhost:3000/')).toBeUndefined();
    expect(refusalOf(guard, 'http://api.localhost:3000/')?.reason).toBe('loopback name api.localhost');
  });

  it('answers isAllowlisted for names, IPs and ranges', () => {
    const guard = createAddressGuard({ allowedPrivateHosts: ['fixture.test', '127.0.0.1', '10.0.0.0/8'] });
    expect([guard.isAllowlisted('FIXTURE.test'), guard.isAllowlisted('10.3.3.3'), guard.isAllowlisted('127.0.0.1')]).toEqual([true, true, true]);
    expect([guard.isAllowlisted('other.test'), guard.isAllowlisted('127.0.0.2'), guard.isAllowlisted('[::1]')]).toEqual([false, false, false]);
  });
});

describe('lookup and resolveChecked', () => {
  it('refuses a name with one private answer among public ones, in both lookup forms', async () => {
    const { resolve } = fixedResolver([
      { address: '93.184.215.14', family: 4 },
      { address: '192.168.0.10', family: 4 },
    ]);
    const guard = createAddressGuard({ allowedPrivateHosts: [], resolve });
    const reason = 'mixed.example resolves to private address 192.168.0.10';
    await expect(lookupWith(guard, 'mixed.example', false)).rejects.toMatchObject({ reason });
    await expect(lookupWith(guard, 'mixed.example', true)).rejects.toMatchObject({ reason });
    await expect(guard.resolveChecked('mixed.example')).rejects.toBeInstanceOf(RefusedAddressError);
  });

  it('hands back the checked addresses in the resolver order', async () => {
    const { resolve, calls } = fixedResolver([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '93.184.215.14', family: 4 },
    ]);
    const guard = createAddressGuard({ allowedPrivateHosts: [], resolve });
    await expect(lookupWith(guard, 'public.example', false)).resolves.toBe('2606:4700:4700::1111');
    await expect(lookupWith(guard, 'public.example', true)).resolves.toEqual([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '93.184.215.14', family: 4 },
    ]);
    await expect(guard.resolveChecked('public.example')).resolves.toEqual({ address: '2606:4700:4700::1111', family: 6 });
    expect(calls).toEqual(['public.example', 'public.example', 'public.example']);
  });

  it('checks IP literals without asking the resolver', async () => {
    const { resolve, calls } = fixedResolver([{ address: '93.184.215.14', family: 4 }]);
    const guard = createAddressGuard({ allowedPrivateHosts: [], resolve });
    await expect(guard.resolveChecked('8.8.8.8')).resolves.toEqual({ address: '8.8.8.8', family: 4 });
    await expect(guard.resolveChecked('[::1]')).rejects.toMatchObject({ reason: 'loopback address ::1' });
    expect(calls).toEqual([]);
  });

  it('refuses localhost with the system resolver', async () => {
    await expect(closed.resolveChecked('localhost')).rejects.toMatchObject({ reason: 'loopback name localhost' });
    await expect(lookupWith(closed, 'localhost', true)).rejects.toBeInstanceOf(RefusedAddressError);
  });

  it("refuses this machine's own name, which the system resolver maps to a local address", async () => {
    const error: unknown = await closed.resolveChecked(hostname()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect((error as RefusedAddressError).reason).toMatch(/resolves to (loopback|private|unique-local|link-local) address/u);
  });

  it('passes a failing resolver through as the lookup error', async () => {
    const notFound = Object.assign(new Error('queryA ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    const guard = createAddressGuard({ allowedPrivateHosts: [], resolve: () => Promise.reject(notFound) });
    await expect(lookupWith(guard, 'nowhere.example', false)).rejects.toBe(notFound);
  });
});
