import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as pipeline from './0002-pipeline.js';
import * as api from './0003-api.js';
import * as presence from './0004-presence.js';
import * as coverage from './0005-coverage.js';

/**
 * Every migration, in order. Names never change once released; a new migration is a new file
 * added at the end of this list.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-pipeline': pipeline,
  '0003-api': api,
  '0004-presence': presence,
  '0005-coverage': coverage,
};
