import { InvalidArgumentError } from 'commander';

/** A `--port` value: plain digits from 0 to 65535 (0 means any free port); commander reports anything else. */
export function parsePort(value: string): number {
  const port = /^\d{1,5}$/u.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new InvalidArgumentError('must be a whole number from 0 to 65535');
  }
  return port;
}
