import { z } from 'zod';
import { NotFoundError } from '../../../core/errors.js';
import { ruleFindingCounts } from '../../../store/repositories/rule-finding-counts.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { ruleListReply, ruleReply, toRuleReply } from '../schemas/rules-schemas.js';

/** The rules in force, each with how many findings it raised by state and its false-positive rate. */
export function rulesRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/rules',
      operationId: 'listRules',
      summary: 'Every rule in force with its findings by state and its false-positive rate',
      tag: 'rules',
      permission: 'rules:read',
      response: ruleListReply,
      async handle({ services }) {
        const counts = await ruleFindingCounts(services.db);
        return { items: services.rules.map((rule) => toRuleReply(rule, counts.get(rule.id))), next_cursor: null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rules/{id}',
      operationId: 'getRule',
      summary: 'One rule in force with its findings by state and its false-positive rate',
      tag: 'rules',
      permission: 'rules:read',
      params: z.strictObject({ id: z.string().min(1).max(200) }),
      response: ruleReply,
      async handle({ params, services }) {
        const rule = services.rules.find((candidate) => candidate.id === params.id);
        if (!rule) throw ruleNotFound(params.id);
        const counts = await ruleFindingCounts(services.db, rule.id);
        return toRuleReply(rule, counts.get(rule.id));
      },
    }),
  ];
}

function ruleNotFound(id: string): NotFoundError {
  const error = new NotFoundError('rule', id);
  error.message = `No rule ${JSON.stringify(id)} is in force: GET /api/v1/rules lists the rules of the current policy.`;
  return error;
}
