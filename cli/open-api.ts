import type { Express } from 'express';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { OVERSHARE_VERSION } from '../core/version.js';
import { createAddressGuard } from '../crawler/net/address-guard.js';
import { fixedRulesInForce } from '../rules/fixed-rule-ids.js';
import type { Pipeline } from '../pipeline/create-pipeline.js';
import { apiRoutes } from '../server/api/api-routes.js';
import type { ApiServices } from '../server/api/api-services.js';
import { createAuthenticator } from '../server/auth/create-authenticator.js';
import { createSecretBox } from '../server/auth/secret-box.js';
import { accessLog } from '../server/access-log.js';
import { createApp } from '../server/create-app.js';
import { createMetrics } from '../server/metrics.js';
import { connectSink } from '../server/siem/connect-sink.js';
import { startSinkDelivery, type SinkDelivery } from '../server/siem/sink-delivery.js';
import type { Database } from '../store/open-database.js';
import type { LoadedRuleSet } from './load-rule-set.js';
import { readSecretKey } from './read-secret-key.js';

/** The HTTP app with the API, and the SIEM delivery loop, built from the environment. */
export interface OpenApi {
  app: Express;
  services: ApiServices;
  delivery: SinkDelivery;
  close(): Promise<void>;
}

/**
 * Builds the API's services (authentication, sealed secrets, the sink address guard, the rules in
 * force), the Express app serving them, and starts pushing events to the SIEM sinks.
 */
export async function openApi(database: Database, options: { config: Config; log: Logger; pipeline: Pipeline; rules: LoadedRuleSet }): Promise<OpenApi> {
  const { config, log } = options;
  const secrets = createSecretBox(await readSecretKey(config, log));
  const addressGuard = createAddressGuard({ allowedPrivateHosts: config.sinks.allowedPrivateHosts });
  if (config.sinks.allowedPrivateHosts.length > 0) log.info({ hosts: config.sinks.allowedPrivateHosts }, 'SIEM sinks may reach these private hosts');
  const isSecure = config.server.tlsCertFile !== undefined || (config.server.publicUrl?.startsWith('https:') ?? false);
  const services: ApiServices = {
    db: database.db,
    database,
    log: log.child({ module: 'api' }),
    version: OVERSHARE_VERSION,
    policy: options.rules.policy.policy,
    rules: [
      ...options.rules.ruleSet.rules.map((rule) => ({
        id: rule.id,
        title: rule.definition.title,
        category: rule.definition.category,
        severity: rule.severity,
        pack: rule.pack,
        description: rule.definition.description,
        examples: rule.definition.examples,
      })),
      // Rules from code (fingerprints, sensitive sites, takeover signals) have no examples to show.
      ...fixedRulesInForce(options.rules.policy.policy).map(({ id, title, category, severity, pack, description }) => ({ id, title, category, severity, pack, description })),
    ],
    pipeline: options.pipeline,
    secrets,
    addressGuard,
    isSecure,
    authenticate: createAuthenticator({ db: database.db, log, now: () => new Date(), sessionIdleTimeoutMs: config.auth.sessionIdleTimeoutMs }),
    now: () => new Date(),
  };
  const metrics = createMetrics({ db: database.db, pipeline: options.pipeline, log: log.child({ module: 'metrics' }) });
  const app = createApp({
    database,
    log: log.child({ module: 'server' }),
    version: OVERSHARE_VERSION,
    readinessTimeoutMs: config.server.readinessTimeoutMs,
    before: [accessLog(log.child({ module: 'access' }), metrics)],
    extraRouters: [metrics.router],
    api: { services, routes: apiRoutes({ sessionMaxAgeMs: config.auth.sessionMaxAgeMs, policySource: options.rules.policy.source }) },
    ui: {},
  });
  const product = { name: 'overshare', vendor: 'overshare', version: OVERSHARE_VERSION };
  const delivery = startSinkDelivery({
    db: database.db,
    log: log.child({ module: 'sinks' }),
    settings: config.sinks,
    connect: (sink) => connectSink(sink, { secrets, guard: addressGuard, product }),
  });
  return {
    app,
    services,
    delivery,
    close: () => delivery.stop(),
  };
}
