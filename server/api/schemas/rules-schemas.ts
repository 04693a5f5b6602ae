import { z } from 'zod';
import type { RuleFindingCounts } from '../../../store/repositories/rule-finding-counts.js';
import type { RuleInfo } from '../api-services.js';

const STATES = ['new', 'in_review', 'resolved', 'reopened'] as const;
const RESOLUTIONS = ['confirmed_leak', 'false_positive', 'authorized', 'accepted_risk', 'duplicate', 'out_of_scope'] as const;

/** One rule with how its findings fared. */
export const ruleReply = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  severity: z.string(),
  pack: z.string(),
  description: z.string().nullable(),
  examples: z
    .object({ leak: z.array(z.string()), clean: z.array(z.string()) })
    .describe("The rule pack's samples: texts the rule flags, and close neighbours it leaves alone (every rule is tested against them)."),
  findings: z.object({
    total: z.number().int(),
    new: z.number().int(),
    in_review: z.number().int(),
    resolved: z.number().int(),
    reopened: z.number().int(),
  }),
  resolutions: z.object(Object.fromEntries(RESOLUTIONS.map((resolution) => [resolution, z.number().int()])) as Record<(typeof RESOLUTIONS)[number], z.ZodNumber>),
  false_positive_rate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('Resolved as false_positive ÷ resolved with any verdict, 0..1; null while none of its findings is resolved.'),
});
export type RuleReply = z.infer<typeof ruleReply>;

/** Every rule in force (not paged: next_cursor is always null). */
export const ruleListReply = z.object({ items: z.array(ruleReply), next_cursor: z.null() });

/** The API form of a rule and the counts of the findings naming it (all zero when there are none). */
export function toRuleReply(rule: RuleInfo, counts: RuleFindingCounts | undefined): RuleReply {
  const state = (name: (typeof STATES)[number]) => counts?.byState[name] ?? 0;
  const resolutions = Object.fromEntries(RESOLUTIONS.map((resolution) => [resolution, counts?.byResolution[resolution] ?? 0])) as RuleReply['resolutions'];
  const resolved = RESOLUTIONS.reduce((sum, resolution) => sum + resolutions[resolution], 0);
  return {
    id: rule.id,
    title: rule.title,
    category: rule.category,
    severity: rule.severity,
    pack: rule.pack,
    description: rule.description ?? null,
    examples: { leak: [...(rule.examples?.leak ?? [])], clean: [...(rule.examples?.clean ?? [])] },
    findings: {
      total: STATES.reduce((sum, name) => sum + state(name), 0),
      new: state('new'),
      in_review: state('in_review'),
      resolved: state('resolved'),
      reopened: state('reopened'),
    },
    resolutions,
    false_positive_rate: resolved === 0 ? null : resolutions.false_positive / resolved,
  };
}
