import { distance } from 'fastest-levenshtein';
import { NotFoundError } from '../../core/errors.js';
import { analyzePost } from '../../rules/analyze-post.js';
import type { CompiledRule } from '../../rules/compile-rule-set.js';
import { runRuleExamples } from '../../rules/run-rule-examples.js';
import { loadRuleSet } from '../load-rule-set.js';
import { plural } from '../plural.js';

/** `rules list`: every rule with its pack, category, severity and base score, and the rules the policy turned off. */
export async function listRules(options: { policy?: string; json?: boolean }): Promise<void> {
  const { ruleSet } = await loadRuleSet(options.policy);
  for (const rule of ruleSet.rules) {
    const { category, languages, title } = rule.definition;
    if (options.json === true) {
      const row = { id: rule.id, pack: rule.pack, title, category, severity: rule.severity, baseScore: rule.baseScore, languages };
      console.log(JSON.stringify({ ...row, enabled: true, reportsOnItsOwn: rule.definition.emit }));
    } else {
      const role = rule.definition.emit ? '' : ` (${rule.definition.boost ? 'booster' : 'building block'})`;
      console.log(
        `${rule.id.padEnd(36)} ${rule.pack.padEnd(12)} ${category.padEnd(13)} ${rule.severity.padEnd(8)} ${String(rule.baseScore).padStart(3)}  ${languages.join(',')}${role}`,
      );
    }
  }
  for (const [id, reason] of ruleSet.disabled) {
    if (options.json === true) console.log(JSON.stringify({ id, enabled: false, reason }));
    else console.log(`${id.padEnd(36)} off: ${reason}`);
  }
  if (options.json !== true) {
    console.log(`\n${plural(ruleSet.rules.length, 'rule')} on, ${String(ruleSet.disabled.size)} off. Packs: ${ruleSet.policy.packs.join(', ')}.`);
  }
}

/** `rules test`: runs every rule's leak and clean examples; exit code 1 when any fails. */
export async function testRules(options: { policy?: string }): Promise<void> {
  const { ruleSet } = await loadRuleSet(options.policy);
  const results = runRuleExamples(ruleSet);
  const failures = results.filter((result) => !result.passed);
  for (const failure of failures) {
    console.log(`FAIL ${failure.ruleId} (${failure.pack}) ${failure.kind} example ${JSON.stringify(failure.text)}: ${failure.problem ?? ''}`);
  }
  const rulesTested = new Set(results.map((result) => result.ruleId)).size;
  console.log(
    `${plural(results.length, 'example')} of ${plural(rulesTested, 'rule')}: ${String(results.length - failures.length)} passed, ${String(failures.length)} failed.`,
  );
  if (failures.length > 0) process.exitCode = 1;
}

/** `rules explain RULE`: what the rule matches and how it scores, its verdict on --text, or the closest id for a misspelt one. */
export async function explainRule(ruleId: string, options: { policy?: string; text?: string }): Promise<void> {
  const { ruleSet } = await loadRuleSet(options.policy);
  const rule = ruleSet.byId.get(ruleId);
  if (rule === undefined) {
    const off = ruleSet.disabled.get(ruleId);
    if (off !== undefined) {
      console.log(`${ruleId} is off under this policy: ${off}.`);
      return;
    }
    const known = [...ruleSet.byId.keys(), ...ruleSet.disabled.keys()];
    const closest = known.sort((a, b) => distance(ruleId, a) - distance(ruleId, b))[0];
    if (closest !== undefined && distance(ruleId, closest) <= 4) console.error(`Did you mean "${closest}"?`);
    console.error('`overshare rules list` shows every rule.');
    throw new NotFoundError('rule', ruleId);
  }
  console.log(describeRule(rule));
  if (options.text !== undefined) {
    const analysis = analyzePost(ruleSet, { text: options.text });
    const findings = analysis.findings.filter((finding) => finding.ruleId === ruleId);
    const held = analysis.suppressed.filter((entry) => entry.ruleId === ruleId);
    console.log('\nOn the given text:');
    for (const finding of findings) console.log(`  reported: ${JSON.stringify(finding.evidence.text)} — ${finding.explain}`);
    for (const entry of held) console.log(`  held back: ${JSON.stringify(entry.evidence)} — ${entry.reason}`);
    if (findings.length === 0 && held.length === 0) {
      console.log(analysis.matchedRules.includes(ruleId) ? '  matched, but reports only through composites or boosters' : '  no match');
    }
  }
}

function describeRule(rule: CompiledRule): string {
  const d = rule.definition;
  const lines = [
    `${rule.id} — ${d.title}`,
    ...(d.description ? [d.description] : []),
    `pack ${rule.pack} · category ${d.category} · severity ${rule.severity} · base score ${String(rule.baseScore)} · languages ${d.languages.join(', ')}`,
  ];
  const list = (label: string, values: readonly string[]) => {
    if (values.length > 0) lines.push(`${label}:`, ...values.map((value) => `  ${value}`));
  };
  list('keywords (prefilter)', d.keywords);
  list('phrases', d.phrases);
  list(`patterns (on the ${d.match} text${d.match === 'raw' && d.ignoreCase ? ', any case' : ''})`, d.patterns);
  const checks = [
    d.uppercase ? 'evidence written in capitals' : undefined,
    d.validate ? `${d.validate} check` : undefined,
    d.entropy !== undefined ? `entropy ≥ ${String(d.entropy)} bits/char` : undefined,
    d.minLength !== undefined ? `at least ${String(d.minLength)} characters` : undefined,
    d.maxLength !== undefined ? `at most ${String(d.maxLength)} characters` : undefined,
    d.requireContext ? 'reported only with supporting context' : undefined,
  ].filter((check): check is string => check !== undefined);
  list('checks', checks);
  list(
    'context',
    d.context.map((group) => `${group.score > 0 ? '+' : ''}${String(group.score)} within ${group.window === 'post' ? 'the post' : `${String(group.window)} words`}: ${group.words.join(', ')}`),
  );
  list('allowed (never reported)', d.allow);
  if (d.composite) {
    const within = 'pixels' in d.composite.within ? `${String(d.composite.within.pixels)} px` : `${String(d.composite.within.words)} words`;
    lines.push(`composite: ${d.composite.parts.join(' + ')} within ${within}`);
  }
  if (d.boost) lines.push(`booster: +${String(d.boost.score)} to ${d.boost.categories.join(', ')} findings in the same post`);
  if (!d.emit && !d.boost) lines.push('building block: never reported on its own');
  list('leak examples', d.examples.leak.map((text) => JSON.stringify(text)));
  list('clean examples', d.examples.clean.map((text) => JSON.stringify(text)));
  return lines.join('\n');
}
