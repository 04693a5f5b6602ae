import { analyzePost } from '../../rules/analyze-post.js';
import type { ImageInput } from '../../rules/build-segments.js';
import type { Finding as RuleFinding } from '../../rules/score-finding.js';
import { PipelineWorkRepository } from '../../store/repositories/pipeline-work-repository.js';
import { PostAnalysisRepository } from '../../store/repositories/post-analysis-repository.js';
import { findingDedupeKey, type FindingInput } from '../../store/repositories/upsert-finding.js';
import type { Evidence, Media } from '../../store/schema.js';
import { takeoverSignalFindingsOf } from '../detect-takeover.js';
import type { AnalyzePayload, StageJob } from '../job-payloads.js';
import type { PipelineDependencies } from '../pipeline-dependencies.js';
import { followUpJobs } from '../follow-up-jobs.js';

/**
 * Runs the rules over a post's text and its images' OCR words and metadata, and saves the
 * findings with their events in one transaction (see PostAnalysisRepository). Rules limited to
 * other kinds of account (the takeover scams: corporate only) are skipped. A post analyzed
 * already is left alone; a post whose images are not all read yet gets their jobs back instead.
 */
export async function analyzePostProcessor(payload: AnalyzePayload, deps: PipelineDependencies): Promise<StageJob[]> {
  const loaded = await new PipelineWorkRepository(deps.db).postForAnalysis(payload.postId);
  if (loaded === undefined) return [];
  const { post, account, media } = loaded;
  if (post.analyzed_at !== null || post.analysis_failed_at !== null) return [];
  const pendingMediaIds = media.filter((item) => item.status === 'pending').map((item) => item.id);
  if (pendingMediaIds.length > 0) {
    return followUpJobs(payload.scanRunId, [{ postId: post.id, contentSha256: post.content_sha256, pendingMediaIds }]);
  }
  const readable = media.filter((item) => item.status === 'extracted');
  const analysis = analyzePost(
    deps.ruleSet,
    { text: post.text ?? '', images: readable.map(imageInput), account: `${account.platform}:${account.handle}` },
    { accountKind: account.kind },
  );
  // One finding per (rule, evidence): the same words twice in a post are one finding, the
  // highest-scoring occurrence (findings come highest first), not a finding and a new version of it.
  const seen = new Set<string>();
  const findings = analysis.findings
    .map((finding) => findingInput(finding, post.id, account.id, payload.scanRunId, readable))
    .filter((finding) => {
      const key = findingDedupeKey(finding.postId, finding.ruleIds[0], finding.evidence);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  // Takeover signals were filed on the post when its account was collected: saved again as they
  // are, so the analysis neither supersedes them nor drops the post's text as finding-free.
  if (account.kind === 'corporate') findings.push(...(await takeoverSignalFindingsOf(deps.db, post.id)));
  const saved = await new PostAnalysisRepository(deps.db).save(post.id, post.content_sha256, findings);
  if (saved !== undefined && (saved.created > 0 || saved.updated > 0 || saved.superseded > 0)) {
    deps.log.info({ scanRunId: payload.scanRunId, postId: post.id, ...saved }, 'findings recorded');
  }
  return [];
}

function imageInput(media: Media): ImageInput {
  const gps = media.metadata.gps;
  const isPosition = Array.isArray(gps) && gps.length === 2 && gps.every((value) => typeof value === 'number');
  return {
    words: media.ocr_words ?? [],
    ...(isPosition ? { gps: gps as [number, number] } : {}),
  };
}

function findingInput(finding: RuleFinding, postId: string, accountId: string, scanRunId: string, images: readonly Media[]): FindingInput {
  const { image, box, ...rest } = finding.evidence;
  const mediaId = image === undefined ? undefined : images[image]?.id;
  const evidence: Evidence = {
    ...rest,
    ...(box === undefined ? {} : { box: [...box] }),
    ...(mediaId === undefined ? {} : { mediaId }),
  };
  return {
    postId,
    accountId,
    scanRunId,
    ruleIds: [finding.ruleId],
    category: finding.category,
    severity: finding.severity,
    score: finding.score,
    scoreBreakdown: { ...finding.breakdown },
    evidence,
    title: finding.title,
    explain: finding.explain,
  };
}
