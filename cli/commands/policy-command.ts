import { Command } from 'commander';

/** `overshare policy check FILE`: validates a policy file and summarises what it sets. */
export function policyCommand(): Command {
  const policy = new Command('policy').description('work with policy files (overshare.policy.yaml)');
  policy
    .command('check')
    .description('validate a policy file; problems are listed with their line, YAML path and bad value')
    .argument('<file>', 'the policy file, e.g. examples/overshare.policy.yaml')
    .action(async (file: string) => (await import('./policy-actions.js')).checkPolicy(file));
  return policy;
}
