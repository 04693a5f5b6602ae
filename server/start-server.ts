import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** A listening HTTP server and the way to stop it. */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  url: string;
  /** Stops accepting connections, lets requests in flight finish for up to `timeoutMs`, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * Listens on `host:port` (HTTPS when `tls` gives a PEM certificate and key); a port in use or not
 * allowed fails with a message that says so.
 */
export async function startServer(app: Express, host: string, port: number, log: Logger, tls?: { cert: string; key: string }): Promise<RunningServer> {
  const server = tls === undefined ? app.listen(port, host) : createHttpsServer({ ...tls, minVersion: 'TLSv1.2' }, app).listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${port} is already in use; stop the other process or set PORT`
        : code === 'EACCES'
          ? `port ${port} needs privileges; use a port above 1023`
          : (error as Error).message;
    throw new ConfigError(`Cannot listen on ${host}:${port}: ${reason}`, { cause: error });
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls === undefined ? 'http' : 'https'}://${shownHost}:${address.port}`;
  log.info({ url }, 'listening');
  return {
    url,
    close: async (timeoutMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
