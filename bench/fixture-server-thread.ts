import { parentPort, workerData } from 'node:worker_threads';
import { ALL_PLATFORM_FIXTURES } from '../test/fixture-platform/all-fixtures.js';
import { generateFixtureNetwork, type FixtureNetworkOptions } from '../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type RecordedRequest } from '../test/fixture-platform/fixture-server.js';

/**
 * The fixture platform server in a worker thread of its own, so that in the crawler benchmark the
 * server's rendering does not share an event loop with the crawler it serves (on two cores, each
 * gets one). Driven by messages from bench/remote-fixture-server.ts.
 */
export type FixtureThreadRequest =
  | { id: number; type: 'requests' }
  | { id: number; type: 'clear-requests' }
  | { id: number; type: 'publish'; perAccount: number; handles?: string[] }
  | { id: number; type: 'close' };

export type FixtureThreadAnswer =
  | { id: number; type: 'started'; origin: string; handles: string[] }
  | { id: number; type: 'requests'; requests: RecordedRequest[] }
  | { id: number; type: 'done' };

const port = parentPort;
if (port === null) throw new Error('fixture-server-thread.ts must run as a worker thread');
const network = generateFixtureNetwork(workerData as FixtureNetworkOptions);
const server = await startFixtureServer(network, ALL_PLATFORM_FIXTURES);
port.postMessage({ id: 0, type: 'started', origin: server.origin, handles: [...network.accounts.keys()] } satisfies FixtureThreadAnswer);

port.on('message', (message: FixtureThreadRequest) => {
  void (async () => {
    switch (message.type) {
      case 'requests':
        port.postMessage({ id: message.id, type: 'requests', requests: server.requests } satisfies FixtureThreadAnswer);
        return;
      case 'clear-requests':
        server.requests.length = 0;
        break;
      case 'publish':
        for (const handle of message.handles ?? network.accounts.keys()) network.publish(handle, message.perAccount);
        break;
      case 'close':
        await server.close();
        port.postMessage({ id: message.id, type: 'done' } satisfies FixtureThreadAnswer);
        port.close();
        return;
    }
    port.postMessage({ id: message.id, type: 'done' } satisfies FixtureThreadAnswer);
  })();
});
