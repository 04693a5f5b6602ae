import type { AllowEntry, Policy } from '../core/policy-schema.js';

interface AllowMatcher {
  /** Lower-case literal; the evidence is allowed when it lies inside an occurrence of it. */
  readonly literal?: string;
  readonly pattern?: RegExp;
  readonly description: string;
}

/** The policy's allowlists, compiled once per rule set. */
export interface CompiledAllowlists {
  readonly global: readonly AllowMatcher[];
  readonly rules: ReadonlyMap<string, readonly AllowMatcher[]>;
  readonly accounts: ReadonlyMap<string, readonly AllowMatcher[]>;
}

export function compileAllowlists(policy: Policy): CompiledAllowlists {
  const compile = (entries: readonly AllowEntry[], scope: string) =>
    entries.map((entry): AllowMatcher => {
      const what = 'text' in entry ? `"${entry.text}"` : `/${entry.pattern}/`;
      const reason = 'reason' in entry ? entry.reason : undefined;
      const description = `allowlisted (${scope} ${what}${reason ? `: ${reason}` : ''})`;
      return 'text' in entry
        ? { literal: entry.text.toLowerCase(), description }
        : { pattern: new RegExp(entry.pattern, 'iu'), description };
    });
  return {
    global: compile(policy.allowlists.global, 'global'),
    rules: new Map(Object.entries(policy.allowlists.rules).map(([id, entries]) => [id, compile(entries, `rule ${id}`)])),
    accounts: new Map(
      Object.entries(policy.allowlists.accounts).map(([account, entries]) => [account, compile(entries, `account ${account}`)]),
    ),
  };
}

/** What an allowlist is checked against: the evidence and the text it was found in. */
export interface AllowCandidate {
  readonly ruleId: string;
  readonly evidence: string;
  /** The whole text the evidence came from, and the evidence's offsets in it, when known. */
  readonly text?: string;
  /** `text` lower-cased, computed once per text by the caller. */
  readonly lowerText?: string;
  readonly start?: number;
  readonly end?: number;
}

/**
 * Why a finding is allowed by the policy, or undefined. A literal entry allows evidence equal to
 * it or lying inside one of its occurrences ("Saffron Road" allows the code name Saffron there); a
 * pattern entry allows evidence it matches.
 */
export function allowlistReason(
  lists: CompiledAllowlists,
  candidate: AllowCandidate,
  account: string | undefined,
): string | undefined {
  const scopes = [lists.global, lists.rules.get(candidate.ruleId) ?? [], account ? (lists.accounts.get(account) ?? []) : []];
  for (const matchers of scopes) {
    for (const matcher of matchers) {
      if (isAllowed(matcher, candidate)) return matcher.description;
    }
  }
  return undefined;
}

function isAllowed(matcher: AllowMatcher, candidate: AllowCandidate): boolean {
  if (matcher.pattern !== undefined) return matcher.pattern.test(candidate.evidence);
  const literal = matcher.literal ?? '';
  const evidence = candidate.evidence.toLowerCase();
  if (evidence === literal) return true;
  const { text, start, end } = candidate;
  if (text === undefined || start === undefined || end === undefined) return false;
  const lower = candidate.lowerText ?? text.toLowerCase();
  // Lower-casing changed the length (rare letters such as İ): offsets no longer line up.
  if (lower.length !== text.length) return false;
  for (let at = lower.indexOf(literal); at !== -1; at = lower.indexOf(literal, at + 1)) {
    // Whole words only: "Saffron Road" does not cover "Saffron roadmap".
    const isWhole = !isWordCharacter(lower.charAt(at - 1)) && !isWordCharacter(lower.charAt(at + literal.length));
    if (isWhole && at <= start && at + literal.length >= end) return true;
    if (at > start) break;
  }
  return false;
}

function isWordCharacter(character: string): boolean {
  return character !== '' && /[\p{L}\p{N}]/u.test(character);
}
