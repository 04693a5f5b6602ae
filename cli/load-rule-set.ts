import { readFile } from 'node:fs/promises';
import { loadConfig } from '../core/config.js';
import { defaultPolicy, loadPolicyFile, type LoadedPolicy } from '../core/load-policy.js';
import { readRulePacks } from '../core/read-rule-packs.js';
import { compileRuleSet, type RuleSet } from '../rules/compile-rule-set.js';

/** A compiled rule set and the policy it came from. */
export interface LoadedRuleSet {
  readonly ruleSet: RuleSet;
  readonly policy: LoadedPolicy;
}

/**
 * Loads the policy (`--policy FILE`, else OVERSHARE_POLICY_FILE, else the built-in default), the
 * text of its confidential documents and the bundled rule packs, and compiles the rule set.
 */
export async function loadRuleSet(policyFile: string | undefined): Promise<LoadedRuleSet> {
  const file = policyFile ?? loadConfig().policyFile;
  const policy = file === undefined ? defaultPolicy() : await loadPolicyFile(file);
  const documents = await Promise.all(
    policy.policy.confidentialDocuments.map(async (document) => ({
      id: document.id,
      title: document.title,
      text: await readFile(policy.documentPaths.get(document.id) ?? document.path, 'utf8'),
    })),
  );
  const ruleSet = compileRuleSet({ packs: await readRulePacks(), policy: policy.policy, policySource: policy.source, documents });
  return { ruleSet, policy };
}
