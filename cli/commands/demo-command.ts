import { Command } from 'commander';
import { listenForStopSignal } from '../listen-for-stop-signal.js';
import { parsePort } from '../parse-port.js';
import type { DemoOptions } from './demo-actions.js';

// A fixed port keeps the demo posts' ids (which include the instance's host and port) the same
// from run to run, so a second run is an incremental rescan.
const DEMO_PLATFORM_PORT = 47_120;

/**
 * `overshare demo` (what `npm start` runs): the whole product on invented data. Starts the bundled
 * demo platform on 127.0.0.1, registers its accounts in an embedded database of its own (never the
 * configured one), scans them with the demo policy, prints what was found, then keeps serving with
 * scheduled rescans until Ctrl+C.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run the whole product on bundled demo data (a demo platform on 127.0.0.1, its own embedded database)')
    .option('--data-dir <dir>', 'folder of the demo database', './.overshare-demo')
    .option('--port <port>', 'port of the overshare server after the scan (0 for any free one)', parsePort, 8080)
    .option('--platform-port <port>', 'port of the demo platform on 127.0.0.1 (keep it the same between runs)', parsePort, DEMO_PLATFORM_PORT)
    .option('--once', 'scan, print the findings and exit instead of serving')
    .action(async (options: DemoOptions) => {
      // Listening before the work is loaded: a stop during start-up is a clean one.
      const stop = listenForStopSignal();
      await (await import('./demo-actions.js')).runDemo(options, stop);
    });
}
