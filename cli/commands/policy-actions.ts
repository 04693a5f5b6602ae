import { loadPolicyFile } from '../../core/load-policy.js';
import { plural } from '../plural.js';

/** `policy check FILE`: summarises what a valid policy file sets; an invalid one throws with its problems. */
export async function checkPolicy(file: string): Promise<void> {
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
}
