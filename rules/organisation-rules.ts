import type { Policy } from '../core/policy-schema.js';
import { ruleSchema, type RuleDefinition, type RuleDefinitionInput } from './pack-schema.js';

// Words that make a code name a project rather than a bird, a spice or a landscape.
const PROJECT_WORDS = [
  'project', 'programme', 'program', 'codename', 'code name', 'prototype*', 'launch*', 'release*', 'roadmap', 'milestone*',
  'sprint', 'pilot', 'rollout', 'beta', 'mvp', 'deadline', 'slip*', 'delay*', 'q1', 'q2', 'q3', 'q4', 'customer*', 'contract*',
  'budget*', 'spec', 'specs', 'design review', 'demo', 'ship*', 'integration', 'firmware', 'team', 'testing', 'test flight',
  'проект*', 'прототип*', 'запуск*', 'релиз*', 'бюджет*', 'заказчик*', 'проєкт*', 'реліз*', 'замовник*',
  'projekt*', 'prototyp*', 'wdrożen*', 'premier*', 'klient*', 'budżet*', 'έργο*', 'πρωτότυπ*', 'λανσάρισμ*', 'κυκλοφορ*', 'πελάτ*',
];
const ORDINARY_WORDS = [
  'bird*', 'birding', 'birdwatch*', 'wildlife', 'feather*', 'nest*', 'binocular*', 'spotted', 'hover*', 'prey',
  'recipe*', 'spice*', 'cooking', 'cook', 'curry', 'tea', 'rice', 'cake', 'bun*', 'pinch', 'teaspoon', 'risotto', 'paella',
  'bak*', 'bread', 'dough', 'knot*', 'oven', 'kitchen', 'menu', 'latte', 'coffee', 'chai', 'kulfi',
  'hike*', 'hiking', 'landscape*', 'scenery', 'trail', 'view', 'sunset', 'camping', 'snow', 'wallpaper', 'cruise', 'fishing',
  'пустельг*', 'кардамон*', 'выпечк*', 'випічк*', 'pustułk*', 'kardamon*', 'budk*', 'lęgow*', 'wypiek*', 'drożdż*',
  'κιρκινέζ*', 'κάρδαμο*', 'γλυκ*', 'ψήν*',
  'птиц*', 'рецепт*', 'специ*', 'прогулк*', 'пейзаж*', 'птах*', 'прянощ*', 'ptak*', 'przepis*', 'przypraw*', 'krajobraz*',
  'πουλ*', 'συνταγ*', 'μπαχαρ*', 'τοπί*',
];

/** Stands in for a leak example that cannot be generated (a text matching any employee-id pattern). */
export const GENERATED_EXAMPLE = '(generated from the policy: no example)';

/**
 * The `organisation` pack, generated from the policy: code names (which must not fire on the
 * bird or the spice they are named after), the organisation's names, internal hosts, e-mail
 * addresses in its domains and employee ids.
 */
export function organisationRules(policy: Policy): RuleDefinition[] {
  const rules: RuleDefinitionInput[] = [];
  for (const codeName of policy.codeNames) rules.push(codeNameRule(codeName));
  const names = [policy.organisation.name, ...policy.organisation.aliases];
  rules.push({
    id: 'organisation-name',
    title: 'The organisation is named',
    description: 'A building block: naming the organisation is not a leak on its own, but raises rules that combine with it.',
    category: 'customer',
    severity: 'info',
    languages: ['any'],
    phrases: names,
    emit: false,
    examples: { leak: [`Proud to work at ${names[0] ?? ''}`], clean: ['Proud to work here'] },
  });
  if (policy.internalDomains.length > 0 || policy.internalHostnames.length > 0) rules.push(internalHostRule(policy));
  if (policy.emailDomains.length > 0) {
    const domains = policy.emailDomains.map(escapeRegex).join('|');
    rules.push({
      id: 'email-internal-domain',
      title: "E-mail address in the organisation's domain",
      category: 'pii',
      severity: 'medium',
      languages: ['any'],
      keywords: ['@'],
      patterns: [`(?<![\\w.%+-])([a-z0-9][a-z0-9._%+-]{0,63}@${SUBDOMAINS}(?:${domains}))(?![\\w-])`],
      match: 'raw',
      ignoreCase: true,
      examples: { leak: [`write to j.doe@${policy.emailDomains[0] ?? ''}`], clean: ['write to j.doe@example.org'] },
    });
  }
  if (policy.employeeIdPattern !== undefined) {
    rules.push({
      id: 'employee-id',
      title: 'Employee id',
      description: "Matches the policy's employeeIdPattern: badges, HR screenshots, ticket exports.",
      category: 'employee_id',
      severity: 'high',
      score: 70,
      languages: ['any'],
      // A literal prefix of the pattern ("CRV-" in CRV-\d{5}) makes a cheap prefilter.
      keywords: literalPrefix(policy.employeeIdPattern),
      patterns: [`(?<![\\p{L}\\p{N}])(${policy.employeeIdPattern})(?![\\p{L}\\p{N}])`],
      match: 'raw',
      // Badges are read by OCR: CRV-28O61 is CRV-28061.
      ocrDigits: true,
      examples: { leak: [GENERATED_EXAMPLE], clean: ['no employee id here'] },
    });
  }
  return rules.map((rule) => ruleSchema.parse(rule));
}

function codeNameRule(codeName: Policy['codeNames'][number]): RuleDefinitionInput {
  // Tundra-7 is also written "Tundra 7" and "Tundra7".
  const flexible = (name: string) => escapeRegex(name).replace(/-|\s+/gu, '[-\\s]?');
  // A case-sensitive name also counts in capitals (headings, whiteboards, OCR of slides): the bird
  // is written "kestrel" or "Kestrel", a project "KESTREL" as often as "Kestrel".
  const forms = codeName.caseSensitive
    ? [...new Set([codeName.name, codeName.name.toUpperCase()])].map(flexible).join('|')
    : flexible(codeName.name);
  // A name with a digit (Fjord-9, Tundra-7) is no ordinary word: it counts without context.
  const hasDigit = /\p{N}/u.test(codeName.name);
  return {
    id: `codename-${slug(codeName.name)}`,
    title: `Code name ${codeName.name}`,
    description: codeName.description,
    category: 'codename',
    severity: 'high',
    score: hasDigit ? 65 : 45,
    languages: ['any'],
    keywords: [codeName.name.split(/[-\s]/u)[0] ?? codeName.name],
    patterns: [`(?<![\\p{L}\\p{N}_])(#?(?:${forms}))(?![\\p{L}\\p{N}_])`],
    match: 'raw',
    ignoreCase: !codeName.caseSensitive,
    context: [
      { words: [...PROJECT_WORDS, ...codeName.context], score: 30, window: 10, reason: 'project context nearby' },
      { words: ['@organisation'], score: 15, window: 'post', reason: 'the organisation is named in the post' },
      { words: ORDINARY_WORDS, score: -60, window: 10, reason: 'ordinary-word context (bird, spice, landscape)' },
    ],
    examples: {
      leak: [`The ${codeName.name} prototype launch slipped to Q3.`],
      clean: [`Spotted something lovely on the hiking trail today: ${codeName.name.toLowerCase()} everywhere, what a view.`],
    },
  };
}

function internalHostRule(policy: Policy): RuleDefinitionInput {
  const patterns: string[] = [];
  if (policy.internalDomains.length > 0) {
    const domains = policy.internalDomains.map(escapeRegex).join('|');
    patterns.push(`(?<![\\w.-])(${SUBDOMAINS}(?:${domains}))(?![\\w-])`);
  }
  if (policy.internalHostnames.length > 0) {
    const hosts = policy.internalHostnames.map(escapeRegex).join('|');
    // A bare word ("our jira is slow") is not a host; a URL, a UNC path or a port is.
    patterns.push(`(?:https?://|\\\\\\\\)((?:${hosts})(?::\\d{2,5})?)(?=[/:\\\\\\s]|$)`);
    patterns.push(`(?<![\\w.-])((?:${hosts}):\\d{2,5})(?!\\d)`);
  }
  return {
    id: 'internal-hostname',
    title: 'Internal host name',
    category: 'internal_host',
    severity: 'medium',
    score: 65,
    languages: ['any'],
    keywords: [...policy.internalDomains, ...policy.internalHostnames],
    patterns,
    match: 'raw',
    ignoreCase: true,
    examples: {
      leak: [
        policy.internalDomains[0] !== undefined
          ? `see https://wiki.${policy.internalDomains[0]}/page`
          : `see http://${policy.internalHostnames[0] ?? ''}:8080/`,
      ],
      clean: ['see https://example.org/'],
    },
  };
}

// Any subdomains, without a nested repetition (which the ReDoS check refuses).
const SUBDOMAINS = '(?:[a-z0-9][a-z0-9.-]{0,200}\\.)?';

/** The letters a pattern must start with (`CRV` for `CRV-\d{5}`), as a keyword list; empty when none. */
function literalPrefix(pattern: string): string[] {
  // With an alternation (CRV-\d{5}|EMP-\d{5}) one prefix would hide the other branches.
  if (pattern.includes('|')) return [];
  const prefix = /^\^?([A-Za-z]{2,})(?![*+?{|])/u.exec(pattern)?.[1];
  return prefix === undefined ? [] : [prefix];
}

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/gu, '-')
      .replace(/^-|-$/gu, '') || 'unnamed'
  );
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}
