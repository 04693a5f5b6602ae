import { loadConfig, type Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { openDatabase, type Database } from '../store/open-database.js';

/** What every command starts from: the parsed environment and a logger on standard error. */
export interface CommandContext {
  config: Config;
  log: Logger;
}

/** Parses the environment (throwing ConfigError with every bad variable) and creates the logger. */
export function createCommandContext(defaultLogLevel: 'info' | 'warn'): CommandContext {
  const config = loadConfig();
  return { config, log: createLogger({ level: config.logLevel ?? defaultLogLevel }) };
}

/** Opens the configured database: PostgreSQL with DATABASE_URL, embedded PGlite otherwise. */
export function openConfiguredDatabase({ config, log }: CommandContext): Promise<Database> {
  return openDatabase({ ...config.database, dataDir: config.dataDir }, log.child({ module: 'store' }));
}
