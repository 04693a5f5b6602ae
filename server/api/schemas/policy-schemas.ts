import { z } from 'zod';
import { policySchema } from '../../../core/policy-schema.js';

/** `GET /policy`: the policy the server runs with, and the file it was read from. */
export const policyReply = z.object({
  source: z
    .string()
    .nullable()
    .describe('The policy file the server read (OVERSHARE_POLICY_FILE), `(built-in default)` when none is configured, or null when the server was not told.'),
  policy: policySchema.describe(
    'The policy in force as overshare.policy.yaml states it (its own camelCase field names), every default filled in: scoring (reviewThreshold, overrides), packs, languages, allowlists and retention.',
  ),
});
export type PolicyReply = z.infer<typeof policyReply>;
