import { defaultPolicy, loadPolicyFile } from '../../core/load-policy.js';
import { OVERSHARE_VERSION } from '../../core/version.js';
import { startServer } from '../../server/start-server.js';
import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { createCommandContext, openConfiguredDatabase } from '../command-context.js';
import type { listenForStopSignal } from '../listen-for-stop-signal.js';
import { openApi } from '../open-api.js';
import { openPipeline } from '../open-pipeline.js';
import { readTlsFiles } from '../read-tls-files.js';
import { redactUrl } from '../../core/config.js';

/** `serve`: migrates the database and serves the HTTP endpoints (and, without REDIS_URL, the scans) until `stop` is requested. */
export async function serve(options: { host?: string; port?: number }, stop: ReturnType<typeof listenForStopSignal>): Promise<void> {
  const context = createCommandContext('info');
  const { config, log } = context;
  const policy = config.policyFile ? await loadPolicyFile(config.policyFile) : defaultPolicy();
  const database = await openConfiguredDatabase(context);
  try {
    await migrateToLatest(database.db, log.child({ module: 'migrate' }));
    if (stop.isRequested()) return;
    const tls = await readTlsFiles(config);
    // Embedded mode works scan jobs here; with REDIS_URL, `overshare worker` processes do.
    const isLocal = config.pipeline.redisUrl === undefined;
    const opened = await openPipeline(database, { config, log, work: isLocal });
    opened.pipeline.schedule();
    const api = await openApi(database, { config, log, pipeline: opened.pipeline, rules: opened.rules });
    const server = await startServer(api.app, options.host ?? config.server.host, options.port ?? config.server.port, log, tls).catch(async (error: unknown) => {
      await api.close();
      await opened.close();
      throw error;
    });
    console.log(
      `overshare ${OVERSHARE_VERSION} is listening on ${server.url} ` +
        `(database: ${database.kind} ${database.location}; policy: ${policy.source}; ` +
        `scans: ${isLocal ? 'in this process' : `on the workers of ${redactUrl(config.pipeline.redisUrl ?? '')}`}). Stop with Ctrl+C.`,
    );
    await stop.requested;
    log.info('stopping');
    await server.close(config.server.shutdownTimeoutMs);
    await api.close();
    await opened.close();
  } finally {
    await database.close();
  }
  log.info('stopped');
}
