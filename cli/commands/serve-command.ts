import { Command, InvalidArgumentError } from 'commander';
import { defaultPolicy, loadPolicyFile } from '../../core/load-policy.js';
import { OVERSHARE_VERSION } from '../../core/version.js';
import { createApp } from '../../server/create-app.js';
import { startServer } from '../../server/start-server.js';
import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { createCommandContext, openConfiguredDatabase } from '../command-context.js';

/** `overshare serve`: migrates the database and serves the HTTP endpoints until SIGINT or SIGTERM. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('start the server (embedded database unless DATABASE_URL is set)')
    .option('--host <host>', 'address to listen on (default: HOST, else 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default: PORT, else 8080)', parsePort)
    .action(async (options: { host?: string; port?: number }) => {
      // Listening from the start: a signal during migration stops after it, not in the middle of a write.
      const stop = listenForStopSignal();
      const context = createCommandContext('info');
      const { config, log } = context;
      const policy = config.policyFile ? await loadPolicyFile(config.policyFile) : defaultPolicy();
      const database = await openConfiguredDatabase(context);
      try {
        await migrateToLatest(database.db, log.child({ module: 'migrate' }));
        if (stop.isRequested()) return;
        const app = createApp({
          database,
          log: log.child({ module: 'server' }),
          version: OVERSHARE_VERSION,
          readinessTimeoutMs: config.server.readinessTimeoutMs,
        });
        const server = await startServer(app, options.host ?? config.server.host, options.port ?? config.server.port, log);
        console.log(
          `overshare ${OVERSHARE_VERSION} is listening on ${server.url} ` +
            `(database: ${database.kind} ${database.location}; policy: ${policy.source}). Stop with Ctrl+C.`,
        );
        await stop.requested;
        log.info('stopping');
        await server.close(config.server.shutdownTimeoutMs);
      } finally {
        await database.close();
      }
      log.info('stopped');
    });
}

/** The first SIGINT or SIGTERM asks for a clean stop; a second one while stopping exits at once. */
function listenForStopSignal(): { requested: Promise<void>; isRequested: () => boolean } {
  let isRequested = false;
  const requested = new Promise<void>((resolve) => {
    const stop = () => {
      isRequested = true;
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return { requested, isRequested: () => isRequested };
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/u.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new InvalidArgumentError('must be a whole number from 0 to 65535');
  }
  return port;
}
