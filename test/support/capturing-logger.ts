import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/logger.js';

/** A logger whose lines are kept in `lines` (parsed JSON) instead of printed. */
export function capturingLogger(level = 'debug'): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { log: createLogger({ level, destination }), lines };
}
