import { lookup as systemLookup } from 'node:dns';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressGuard, RefusedAddressError } from './address-guard.js';
import { createGuardedAgents } from './guarded-agents.js';

let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = createServer((_request, response) => response.end('reached'));
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function get(options: http.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

describe('createGuardedAgents', () => {
  // Plain http.get with the agent, without guardedRequest's own checkUrl: the agent alone must hold.
  it('refuses an IP literal by itself, although Node skips lookup for IPs', async () => {
    const agents = createGuardedAgents(createAddressGuard({ allowedPrivateHosts: [] }));
    await expect(get({ host: '127.0.0.2', port, agent: agents.http })).rejects.toBeInstanceOf(RefusedAddressError);
    expect(connections).toBe(0);
    agents.destroy();
  });

  it("uses the guard's lookup even when the request brings its own", async () => {
    const guard = createAddressGuard({ allowedPrivateHosts: [], resolve: () => Promise.resolve([{ address: '127.0.0.2', family: 4 }]) });
    const agents = createGuardedAgents(guard);
    await expect(get({ host: 'sneaky.test', port, agent: agents.http, lookup: systemLookup })).rejects.toMatchObject({
      reason: 'sneaky.test resolves to loopback address 127.0.0.2',
    });
    expect(connections).toBe(0);
    agents.destroy();
  });

  it('connects where the guard allows', async () => {
    const agents = createGuardedAgents(createAddressGuard({ allowedPrivateHosts: ['127.0.0.2'] }));
    await expect(get({ host: '127.0.0.2', port, agent: agents.http })).resolves.toBe('reached');
    expect(connections).toBe(1);
    agents.destroy();
  });
});
