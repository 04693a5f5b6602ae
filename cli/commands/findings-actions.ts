import { maskText } from '../../core/mask-text.js';
import { FindingsRepository, type FindingWithContext } from '../../store/repositories/findings-repository.js';
import type { FindingEvent, FindingState } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';

/** `findings list`: the newest findings as a table, or JSON Lines with --json, evidence masked either way. */
export async function listFindings(options: { state?: FindingState; limit: number; json?: boolean }): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    const list = await new FindingsRepository(database.db).listWithContext({
      limit: options.limit,
      ...(options.state === undefined ? {} : { state: options.state }),
    });
    if (options.json === true) {
      for (const finding of list) console.log(JSON.stringify(findingJson(finding)));
      return;
    }
    if (list.length === 0) {
      console.log(options.state === undefined ? 'No findings yet.' : `No findings in state ${options.state}.`);
      return;
    }
    const rows = list.map((finding) => [
      finding.id.slice(0, 8),
      formatTime(finding.created_at),
      finding.severity,
      String(finding.score),
      finding.category,
      finding.rule_ids.length > 1 ? `${finding.rule_ids[0] ?? ''} +${finding.rule_ids.length - 1}` : (finding.rule_ids[0] ?? ''),
      `${finding.account_platform}:${finding.account_handle}`,
      finding.post_url,
      finding.state,
    ]);
    console.log(formatTable(['ID', 'CREATED', 'SEVERITY', 'SCORE', 'CATEGORY', 'RULE', 'ACCOUNT', 'POST', 'STATE'], rows));
    console.log(`\n${plural(list.length, 'finding')}${list.length === options.limit ? ` (the newest ${options.limit}; --limit shows more)` : ''}.`);
  } finally {
    await database.close();
  }
}

/** `findings show ID`: every field of one finding with its evidence as stored and its history; the reveal is audit-logged. */
export async function showFinding(id: string): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    const repository = new FindingsRepository(database.db);
    const finding = await repository.resolve(id);
    const events = await repository.events(finding.id);
    // Evidence is shown unmasked here, so this is a reveal (DESIGN.md: every reveal is audited).
    await recordCliAudit(database, { action: 'finding.reveal', targetType: 'finding', targetId: finding.id });
    console.log(describeFinding(finding, events));
  } finally {
    await database.close();
  }
}

function findingJson(finding: FindingWithContext): Record<string, unknown> {
  return {
    id: finding.id,
    createdAt: finding.created_at.toISOString(),
    updatedAt: finding.updated_at.toISOString(),
    version: finding.version,
    title: finding.title,
    ruleIds: finding.rule_ids,
    category: finding.category,
    severity: finding.severity,
    score: finding.score,
    scoreBreakdown: finding.score_breakdown,
    explain: finding.explain,
    evidence: { ...finding.evidence, text: maskText(finding.evidence.text) },
    state: finding.state,
    resolution: finding.resolution,
    resolutionExpiresAt: finding.resolution_expires_at?.toISOString() ?? null,
    isCurrent: finding.is_current,
    account: { id: finding.account_id, platform: finding.account_platform, handle: finding.account_handle },
    post: { id: finding.post_id, url: finding.post_url },
    scanRunId: finding.scan_run_id,
  };
}

function describeFinding(finding: FindingWithContext, events: readonly FindingEvent[]): string {
  const { evidence } = finding;
  const where = [
    `source ${evidence.source}`,
    evidence.start === undefined ? undefined : `characters ${evidence.start}-${evidence.end ?? '?'}`,
    evidence.box === undefined ? undefined : `box x=${evidence.box[0]} y=${evidence.box[1]} w=${evidence.box[2]} h=${evidence.box[3]}`,
    evidence.mediaId === undefined ? undefined : `image ${evidence.mediaId}`,
  ].filter((part) => part !== undefined);
  const breakdown = Object.entries(finding.score_breakdown).map(([part, points]) => `${part} ${points}`);
  const owner = finding.account_owner_name === null ? '' : ` (${finding.account_kind}, ${finding.account_owner_name})`;
  const fields: [string, string | null][] = [
    ['id', finding.id],
    ['title', finding.title],
    ['rules', finding.rule_ids.join(', ')],
    ['category', finding.category],
    ['severity', finding.severity],
    ['score', `${finding.score}${breakdown.length > 0 ? ` (${breakdown.join(', ')})` : ''}`],
    ['explain', finding.explain],
    ['evidence', JSON.stringify(evidence.text)],
    ['evidence at', where.join(', ')],
    ['post', finding.post_url],
    ['published', formatTime(finding.post_published_at)],
    ['account', `${finding.account_platform}:${finding.account_handle}${owner} ${finding.account_id}`],
    ['state', finding.state],
    ['resolution', finding.resolution === null ? null : `${finding.resolution}${finding.resolution_expires_at ? ` until ${formatTime(finding.resolution_expires_at)}` : ''}`],
    ['still in post', finding.is_current ? 'yes' : 'no (the post changed since)'],
    ['version', String(finding.version)],
    ['created', formatTime(finding.created_at)],
    ['updated', formatTime(finding.updated_at)],
    ['scan run', finding.scan_run_id],
  ];
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  const lines = fields.map(([name, value]) => `${`${name}:`.padEnd(width)} ${terminalSafe(value ?? '-')}`);
  lines.push('', `history (${plural(events.length, 'event')}):`);
  for (const event of events) {
    const state = typeof event.payload.state === 'string' ? `, state ${event.payload.state}` : '';
    const score = typeof event.payload.score === 'number' ? `, score ${event.payload.score}` : '';
    lines.push(`  ${formatTime(event.occurred_at)}  v${event.finding_version}  ${event.type}${terminalSafe(state)}${score}`);
  }
  return lines.join('\n');
}
