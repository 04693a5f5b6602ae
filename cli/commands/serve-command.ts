import { Command } from 'commander';
import { listenForStopSignal } from '../listen-for-stop-signal.js';
import { parsePort } from '../parse-port.js';

/** `overshare serve`: migrates the database and serves the HTTP endpoints until SIGINT or SIGTERM. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('start the server (embedded database unless DATABASE_URL is set)')
    .option('--host <host>', 'address to listen on (default: HOST, else 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default: PORT, else 8080)', parsePort)
    .action(async (options: { host?: string; port?: number }) => {
      // Listening from the start: a signal during migration stops after it, not in the middle of a write.
      const stop = listenForStopSignal();
      await (await import('./serve-actions.js')).serve(options, stop);
    });
}
