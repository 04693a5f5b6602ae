import type { AddressInfo, Server, Socket } from 'node:net';

/** A listening test server that can be taken down and brought back on the same port. */
export interface RestartableListener {
  /** The port on 127.0.0.1, fixed at the first start. */
  readonly port: number;
  /** Closes the listener and destroys every open connection, so clients see the receiver go away. */
  stop(): Promise<void>;
  /** Listens again on the same port; a no-op when already listening. */
  restart(): Promise<void>;
  /** Connections accepted since the first start. */
  connectionCount(): number;
}

/**
 * Listens on 127.0.0.1 (port 0 picks a free one) and returns controls that stop and restart the
 * server on that same port, for tests that take a receiver down for a while.
 */
export async function listenRestartable(server: Server, port = 0): Promise<RestartableListener> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const listen = (onPort: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(onPort, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(port);
  const boundPort = (server.address() as AddressInfo).port;
  return {
    port: boundPort,
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restart() {
      if (!server.listening) await listen(boundPort);
    },
    connectionCount: () => connections,
  };
}
