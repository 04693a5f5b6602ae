import { Command } from 'commander';

const POLICY_HELP = 'policy file (default: OVERSHARE_POLICY_FILE, else the built-in default)';

/** `overshare rules list|test|explain`: what the rule packs contain, and proof that they work. */
export function rulesCommand(): Command {
  const rules = new Command('rules').description('inspect and test the rule packs under the policy in effect');

  rules
    .command('list')
    .description('list every rule with its pack, category, severity, base score and whether the policy turns it on')
    .option('--policy <file>', POLICY_HELP)
    .option('--json', 'one JSON object per rule')
    .action(async (options: { policy?: string; json?: boolean }) => (await import('./rules-actions.js')).listRules(options));

  rules
    .command('test')
    .description("run every rule's leak and clean examples through the engine; exits 1 if any fails")
    .option('--policy <file>', POLICY_HELP)
    .action(async (options: { policy?: string }) => (await import('./rules-actions.js')).testRules(options));

  rules
    .command('explain')
    .description('show what a rule matches and how it scores; with --text, explain its verdict on that text')
    .argument('<rule-id>', 'a rule id from `overshare rules list`')
    .option('--policy <file>', POLICY_HELP)
    .option('--text <text>', 'analyze this text and explain what the rule made of it')
    .action(async (ruleId: string, options: { policy?: string; text?: string }) => (await import('./rules-actions.js')).explainRule(ruleId, options));
  return rules;
}
