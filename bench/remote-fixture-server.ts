import { Worker } from 'node:worker_threads';
import type { PlatformName } from '../crawler/platform-adapter.js';
import type { FixtureNetworkOptions } from '../test/fixture-platform/fixture-network.js';
import type { RecordedRequest } from '../test/fixture-platform/fixture-server.js';
import type { FixtureThreadAnswer, FixtureThreadRequest } from './fixture-server-thread.js';

/** The fixture platform server running in its own thread (bench/fixture-server-thread.ts). */
export interface RemoteFixtureServer {
  origin: string;
  handles: string[];
  baseUrl(platform: PlatformName): string;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  /** Publishes `perAccount` new posts on every account, or on `handles` only (in their order). */
  publish(perAccount: number, handles?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

type Outgoing = FixtureThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Starts the server thread on a generated network and waits until it listens. */
export async function startRemoteFixtureServer(options: FixtureNetworkOptions): Promise<RemoteFixtureServer> {
  // tsx runs the benchmarks from source: the worker registers the same loader before importing the thread's module.
  const threadModule = new URL('./fixture-server-thread.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(threadModule)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: options });
  const waiting = new Map<number, (answer: FixtureThreadAnswer) => void>();
  let nextId = 1;
  const started = new Promise<FixtureThreadAnswer>((resolve, reject) => {
    waiting.set(0, resolve);
    worker.once('error', reject);
  });
  worker.on('message', (answer: FixtureThreadAnswer) => {
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  });
  const ask = (message: Outgoing): Promise<FixtureThreadAnswer> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      worker.postMessage({ ...message, id });
    });
  const first = await started;
  if (first.type !== 'started') throw new Error('the fixture server thread did not start');
  return {
    origin: first.origin,
    handles: first.handles,
    baseUrl: (platform) => `${first.origin}/${platform}`,
    async requests() {
      const answer = await ask({ type: 'requests' });
      return answer.type === 'requests' ? answer.requests : [];
    },
    async clearRequests() {
      await ask({ type: 'clear-requests' });
    },
    async publish(perAccount, handles) {
      await ask({ type: 'publish', perAccount, ...(handles === undefined ? {} : { handles: [...handles] }) });
    },
    async close() {
      await ask({ type: 'close' });
      await worker.terminate();
    },
  };
}
