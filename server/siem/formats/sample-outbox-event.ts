import { maskText } from '../../../core/mask-text.js';
import type { CoverageOutboxEvent, FindingOutboxEvent } from '../../../store/finding-event-payload.js';
import type { CoverageEventType, FindingEventType } from '../../../store/schema.js';

/** The evidence the sample finding matched, before masking: it must never appear in any formatted event. */
export const SAMPLE_RAW_EVIDENCE = 'AKIAIOSFODNN7EXAMPLE';

const CREATED_AT = '2025-03-14T09:26:53.589Z';

/**
 * The event of the given type from one fixed finding's life (created, then assigned, then purged
 * for retention), for golden files and sink tests. Awkward on purpose: a `|`, `=`, `\` and a line
 * break in the title, `=`, `\` and CR LF in the explanation, `=` and `|` in the post URL, Cyrillic
 * and Greek in the title and handle. Evidence is masked as the outbox stores it. A fresh object
 * every call, so a test may change it.
 */
export function sampleOutboxEvent(type: FindingEventType): FindingOutboxEvent {
  const created = createdEvent();
  if (type === 'finding.created') return created;
  if (type === 'finding.updated') {
    return {
      ...created,
      seq: 57,
      id: 'd2b3c4d5-e6f7-4081-9a2b-c3d4e5f60718',
      findingVersion: 2,
      type,
      occurredAt: new Date('2025-03-14T11:02:40.120Z'),
      payload: {
        ...created.payload,
        version: 2,
        state: 'in_review',
        assigneeId: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
        updatedAt: '2025-03-14T11:02:40.120Z',
      },
    };
  }
  return {
    ...created,
    seq: 912,
    id: 'e3c4d5e6-f708-4192-ab3c-d4e5f6071829',
    findingVersion: 3,
    type,
    occurredAt: new Date('2025-09-10T02:00:00.000Z'),
    payload: {
      ...created.payload,
      version: 3,
      state: 'resolved',
      resolution: 'confirmed_leak',
      assigneeId: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
      updatedAt: '2025-03-15T10:12:00.000Z',
      purgeReason: 'retention',
    },
  };
}

function createdEvent(): FindingOutboxEvent {
  return {
    seq: 41,
    id: 'c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607',
    findingId: '5f0c9a3e-8d21-4b7a-a6e4-1c2d3e4f5a6b',
    findingVersion: 1,
    type: 'finding.created',
    occurredAt: new Date(CREATED_AT),
    payload: {
      id: '5f0c9a3e-8d21-4b7a-a6e4-1c2d3e4f5a6b',
      version: 1,
      title: 'Key on whiteboard | ДСП = ΕΜΠΙΣΤΕΥΤΙΚΟ \\ draft\nline 2',
      explain: 'secret-aws-access-key-id: AKIA pattern;\r\n"key = " nearby; path C:\\keys → 87',
      postId: 'a9e8d7c6-b5a4-4392-8170-f6e5d4c3b2a1',
      postUrl: 'https://social.example/@anna/1042?lang=el&ref=a|b',
      postPublishedAt: '2025-03-13T18:04:11.000Z',
      account: {
        id: '0b4f7d1e-3c2a-4e8b-9f60-5a1d2c3b4e5f',
        platform: 'mastodon',
        handle: 'анна_σοφία',
        kind: 'employee',
        ownerEmployeeId: 'E-10423',
        ownerDepartment: 'Research & Development',
      },
      ruleIds: ['secret-aws-access-key-id', 'marking-confidential'],
      category: 'secret',
      severity: 'high',
      score: 87,
      // Built out of key order on purpose: every format must sort it.
      scoreBreakdown: { validators: 15, base: 60, context: 8, proximity: 0, ocrConfidence: 4, allowlist: 0 },
      evidence: { source: 'ocr', text: maskText(SAMPLE_RAW_EVIDENCE), start: 57, end: 77, box: [412, 118, 260, 34], mediaId: 'b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e' },
      state: 'new',
      resolution: null,
      resolutionExpiresAt: null,
      assigneeId: null,
      isCurrent: true,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    },
  };
}

const GAP_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const GAP_DETECTED_AT = '2025-03-15T06:00:04.250Z';

/**
 * The event of the given type from one fixed coverage gap of the sample finding's account (opened
 * by a login wall, then restored with a catch-up that stopped at its depth), for golden files and
 * sink tests. Awkward on purpose: the error holds a `|`, `=`, `\`, CR LF and Greek. A fresh object
 * every call, so a test may change it.
 */
export function sampleCoverageEvent(type: CoverageEventType): CoverageOutboxEvent {
  const opened: CoverageOutboxEvent = {
    seq: 130,
    id: '9c8d7e6f-5a4b-4c3d-9e2f-1a0b9c8d7e6f',
    findingId: GAP_ID,
    findingVersion: 1,
    type: 'coverage.gap',
    occurredAt: new Date(GAP_DETECTED_AT),
    payload: {
      gapId: GAP_ID,
      account: createdEvent().payload.account,
      reason: 'login_wall',
      lastError: 'Login wall at https://social.example/@anna?next=/feed|x: "sign in = continue" \\ σύνδεση\r\nHTTP 302',
      startedAt: '2025-03-14T22:00:00.000Z',
      detectedAt: GAP_DETECTED_AT,
      endedAt: null,
      failures: 1,
      caughtUpPosts: null,
      uncoveredUntil: null,
    },
  };
  if (type === 'coverage.gap') return opened;
  return {
    ...opened,
    seq: 188,
    id: 'ab0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4',
    findingVersion: 2,
    type,
    occurredAt: new Date('2025-03-16T10:30:00.000Z'),
    payload: {
      ...opened.payload,
      endedAt: '2025-03-16T10:30:00.000Z',
      failures: 9,
      caughtUpPosts: 14,
      uncoveredUntil: '2025-03-15T02:30:00.000Z',
    },
  };
}
