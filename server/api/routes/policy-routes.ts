import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { policyReply } from '../schemas/policy-schemas.js';

/** Where the policy in force came from, as `serve` knows it (`LoadedPolicy.source`). */
export interface PolicySettings {
  /** The policy file, or `(built-in default)`; left out when unknown. */
  policySource?: string;
}

/** The policy the server runs with (rules:read): what it scores, allows and keeps, read-only. */
export function policyRoutes(settings: PolicySettings = {}): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/policy',
      operationId: 'getPolicy',
      summary: 'The policy in force: review threshold, rule overrides, packs, languages, allowlists and retention periods',
      tag: 'rules',
      permission: 'rules:read',
      response: policyReply,
      handle({ services }) {
        return Promise.resolve({ source: settings.policySource ?? null, policy: services.policy });
      },
    }),
  ];
}
