import { Command } from 'commander';
import { loadPolicyFile } from '../../core/load-policy.js';
import { plural } from '../plural.js';

/** `overshare policy check FILE`: validates a policy file and summarises what it sets. */
export function policyCommand(): Command {
  const policy = new Command('policy').description('work with policy files (overshare.policy.yaml)');
  policy
    .command('check')
    .description('validate a policy file; problems are listed with their line, YAML path and bad value')
    .argument('<file>', 'the policy file, e.g. examples/overshare.policy.yaml')
    .action(async (file: string) => {
      const { policy: checked } = await loadPolicyFile(file);
      const counts = [
        plural(checked.organisation.aliases.length, 'alias', 'aliases'),
        plural(checked.codeNames.length, 'code name'),
        plural(checked.internalDomains.length + checked.internalHostnames.length, 'internal domain or host', 'internal domains and hosts'),
        plural(checked.sensitiveSites.length, 'sensitive site'),
        plural(checked.confidentialDocuments.length, 'confidential document'),
      ];
      console.log(`${file} is valid: ${checked.organisation.name}; ${counts.join(', ')}.`);
      console.log(
        `Packs: ${checked.packs.join(', ')}. Languages: ${checked.languages.join(', ')}. Review threshold: ${checked.reviewThreshold}.`,
      );
    });
  return policy;
}
