import http from 'node:http';
import https from 'node:https';
import { isIP, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressGuard } from './address-guard.js';

/**
 * Keep-alive agents whose every new socket passes the address guard. Reusing a socket is safe:
 * it stays connected to the address that was checked when it was opened.
 */

/** An http and an https agent that share one guard. */
export interface GuardedAgents {
  http: http.Agent;
  https: https.Agent;
  /** Closes every pooled and in-use socket of both agents. */
  destroy(): void;
}

/** Pooling of the guarded agents. */
export interface GuardedAgentOptions {
  /** Keep idle sockets for reuse; default true. */
  keepAlive?: boolean;
  /** An idle pooled socket is closed after this many milliseconds; default 15_000. */
  idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 15_000;

/**
 * Agents whose options force `lookup: guard.lookup` on every socket they open (agent options
 * override request options in Node's Agent), and which refuse IP literals themselves, because
 * Node skips `lookup` for an IP host.
 */
export function createGuardedAgents(guard: AddressGuard, options: GuardedAgentOptions = {}): GuardedAgents {
  const agentOptions = {
    keepAlive: options.keepAlive ?? true,
    timeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    lookup: guard.lookup,
  };

  class GuardedHttpAgent extends http.Agent {
    override createConnection(connectOptions: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const refused = refuseLiteral(guard, connectOptions);
      return refused ?? super.createConnection({ ...connectOptions, lookup: guard.lookup }, callback);
    }
  }

  class GuardedHttpsAgent extends https.Agent {
    override createConnection(connectOptions: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const refused = refuseLiteral(guard, connectOptions);
      return refused ?? super.createConnection({ ...connectOptions, lookup: guard.lookup }, callback);
    }
  }

  const agents = { http: new GuardedHttpAgent(agentOptions), https: new GuardedHttpsAgent(agentOptions) };
  return {
    ...agents,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

const sharedAgents = new WeakMap<AddressGuard, GuardedAgents>();

/** One keep-alive pair per guard, shared by every `guardedRequest` made with that guard. */
export function sharedGuardedAgents(guard: AddressGuard): GuardedAgents {
  let agents = sharedAgents.get(guard);
  if (agents === undefined) {
    agents = createGuardedAgents(guard);
    sharedAgents.set(guard, agents);
  }
  return agents;
}

// A socket that fails at once with the refusal, so the request sees it as its own connection error.
function refuseLiteral(guard: AddressGuard, options: http.ClientRequestArgs): Socket | undefined {
  const host = options.host ?? options.hostname ?? '';
  if (isIP(host.replace(/^\[|\]$/gu, '')) === 0) return undefined;
  try {
    guard.checkHost(host);
    return undefined;
  } catch (error) {
    const socket = new Socket();
    process.nextTick(() => socket.destroy(error instanceof Error ? error : undefined));
    return socket;
  }
}
