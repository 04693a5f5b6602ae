import { CsvError, parse, type InfoRecord } from 'csv-parse/sync';
import { z } from 'zod';
import { InputValidationError } from '../../core/errors.js';
import { parseSchedule } from '../../core/schedule.js';
import { PLATFORM_NAMES } from '../../crawler/platform-adapter.js';
import type { AccountInput } from '../../store/repositories/accounts-repository.js';

/** Every column an accounts CSV may have, in the order of the documented header; the first three are required. */
export const ACCOUNT_CSV_COLUMNS = [
  'platform',
  'handle',
  'kind',
  'url',
  'display_name',
  'owner_employee_id',
  'owner_name',
  'owner_email',
  'owner_department',
  'notice_given_at',
  'legal_basis',
  'legal_basis_at',
  'schedule',
  'active',
  'is_canary',
] as const;
export type AccountColumn = (typeof ACCOUNT_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly AccountColumn[] = ['platform', 'handle', 'kind'];

/** A good row: the account to register and the physical line of the file where its row starts (1-based). */
export interface AccountRow {
  line: number;
  account: AccountInput;
}

/** Something wrong at a physical line of the file (1-based), said so the user can fix it. */
export interface CsvProblem {
  line: number;
  message: string;
}

/** One field that failed validation, by its column name. */
export interface FieldProblem {
  column: AccountColumn;
  message: string;
}

const TEXT_MAX = 500;
const optionalText = z.string().trim().max(TEXT_MAX, `is longer than ${TEXT_MAX} characters`).optional();
const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((value, context) => {
    if (value === undefined || value === '') return undefined;
    const date = parseIsoDate(value);
    if (date === undefined) {
      context.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a date: write YYYY-MM-DD, such as 2026-01-15, or a full ISO 8601 time such as 2026-01-15T09:30:00Z` });
      return z.NEVER;
    }
    return date;
  });

/** A yes/no field; empty means `whenEmpty`. */
function yesNo(whenEmpty: boolean) {
  return z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      const word = (value ?? '').toLowerCase();
      if (word === '') return whenEmpty;
      if (['yes', 'true', '1'].includes(word)) return true;
      if (['no', 'false', '0'].includes(word)) return false;
      context.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not yes or no: use yes/no, true/false or 1/0 (empty means ${whenEmpty ? 'yes' : 'no'})` });
      return z.NEVER;
    });
}

const fieldsSchema = z
  .object({
    platform: z.enum(PLATFORM_NAMES, {
      error: (issue) => `${JSON.stringify(issue.input ?? '')} is not a platform overshare collects from: use one of ${PLATFORM_NAMES.join(', ')}`,
    }),
    handle: z.string({ error: 'is required' }).trim().min(1, 'is required: the account on its platform (channel or user name, handle, feed or page URL)').max(TEXT_MAX),
    kind: z.enum(['corporate', 'employee'], { error: (issue) => `${JSON.stringify(issue.input ?? '')} is not a kind: use corporate or employee` }),
    url: z
      .string()
      .trim()
      .optional()
      .refine((value) => value === undefined || value === '' || z.url({ protocol: /^https?$/u }).safeParse(value).success, {
        error: 'must be an http:// or https:// URL (the base address of the platform or instance), such as https://social.example',
      }),
    display_name: optionalText,
    owner_employee_id: optionalText,
    owner_name: optionalText,
    owner_email: z
      .string()
      .trim()
      .optional()
      .refine((value) => value === undefined || value === '' || z.email().safeParse(value).success, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an e-mail address, such as jane.doe@example.com`,
      }),
    owner_department: optionalText,
    notice_given_at: optionalDate,
    legal_basis: optionalText,
    legal_basis_at: optionalDate,
    schedule: z
      .string()
      .trim()
      .optional()
      .superRefine((value, context) => {
        if (value === undefined || value === '') return;
        try {
          parseSchedule(value);
        } catch (error) {
          if (!(error instanceof InputValidationError)) throw error;
          for (const issue of error.issues) context.addIssue({ code: 'custom', message: issue.message });
        }
      }),
    active: yesNo(true),
    is_canary: yesNo(false),
  })
  .superRefine((fields, context) => {
    // A registry of people's accounts without owners is useless: nobody can be told or asked.
    if (fields.kind === 'employee' && !fields.owner_name && !fields.owner_employee_id) {
      context.addIssue({ code: 'custom', path: ['owner_name'], message: "an employee account needs its owner's name or employee id" });
    }
  });

/**
 * Validates one account's fields, named as the CSV columns (empty means not given), into what the
 * registry takes. Used for CSV rows and for `accounts add` options alike, so both accept the same.
 */
export function parseAccountFields(fields: Partial<Record<AccountColumn, string>>): { account: AccountInput } | { problems: FieldProblem[] } {
  const parsed = fieldsSchema.safeParse(fields);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        column: (typeof issue.path[0] === 'string' ? issue.path[0] : 'platform') as AccountColumn,
        message: issue.message,
      })),
    };
  }
  const row = parsed.data;
  const given = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  const owner = {
    employeeId: given(row.owner_employee_id),
    name: given(row.owner_name),
    email: given(row.owner_email),
    department: given(row.owner_department),
  };
  const account: AccountInput = {
    platform: row.platform,
    handle: row.handle,
    kind: row.kind,
    isActive: row.active,
    // Only when set: most accounts are not canaries, and their input stays as it was.
    ...(row.is_canary ? { isCanary: true } : {}),
    ...definedOnly({
      url: given(row.url),
      displayName: given(row.display_name),
      noticeGivenAt: row.notice_given_at,
      legalBasis: given(row.legal_basis),
      legalBasisAt: row.legal_basis_at,
      schedule: given(row.schedule),
    }),
    ...(Object.values(owner).some((value) => value !== undefined) ? { owner: definedOnly(owner) } : {}),
  };
  return { account };
}

/**
 * Reads an accounts CSV (UTF-8, BOM allowed, comma-separated, a header naming the columns):
 * every good row with the line it starts on, and every problem with its line, so one import can
 * register the good rows and report all the bad ones. A bad header or broken CSV syntax (an
 * unclosed quote) gives its problems, no rows and `isReadable: false`. Rows with every field empty
 * are skipped.
 */
export function readAccountsCsv(text: string): { rows: AccountRow[]; problems: CsvProblem[]; isReadable: boolean } {
  // One newline form, so csv-parse's line count is the editor's (it counts a quoted CRLF twice).
  const normalized = text.replace(/\r\n?/gu, '\n');
  let header: string[] = [];
  let lastRecordEnd = 0;
  let records: { record: Record<string, string>; info: InfoRecord; raw: string }[];
  try {
    records = parse<{ record: Record<string, string>; info: InfoRecord; raw: string }>(normalized, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim().toLowerCase());
        return header.map((name, index) => name || `(column ${index + 1})`);
      },
      on_record: (record, context) => {
        lastRecordEnd = context.lines;
        return record;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // Before the first row, the last good record is the header (when it was read).
    const lastGoodLine = Math.max(lastRecordEnd, header.length > 0 ? firstContentLine(normalized, 0) : 0);
    return { rows: [], problems: [syntaxProblem(error, normalized, lastGoodLine)], isReadable: false };
  }
  const headerLine = firstContentLine(normalized, 0);
  const headerProblems = checkHeader(header);
  if (headerProblems.length > 0) return { rows: [], problems: headerProblems.map((message) => ({ line: headerLine, message })), isReadable: false };

  const rows: AccountRow[] = [];
  const problems: CsvProblem[] = [];
  let invalidSoFar = 0;
  for (const { record, info, raw } of records) {
    const line = startLine(info.lines, raw);
    const hasWrongFieldCount = info.invalid_field_length > invalidSoFar;
    invalidSoFar = info.invalid_field_length;
    if (hasWrongFieldCount) {
      problems.push({ line, message: `has a different number of fields than the header's ${header.length} (a comma too many or too few? quote fields that contain commas)` });
      continue;
    }
    if (Object.values(record).every((value) => value === '')) continue;
    if (record.platform === 'generic') {
      problems.push({ line, message: 'platform: generic accounts need CSS selectors, which a CSV cannot carry: register each with `overshare accounts add --platform generic --selectors …`' });
      continue;
    }
    const result = parseAccountFields(record);
    if ('problems' in result) problems.push(...result.problems.map((problem) => ({ line, message: `${problem.column}: ${problem.message}` })));
    else rows.push({ line, account: result.account });
  }
  return { rows, problems, isReadable: true };
}

function checkHeader(header: readonly string[]): string[] {
  const problems: string[] = [];
  const known = new Set<string>(ACCOUNT_CSV_COLUMNS);
  const unknown = header.filter((name) => name !== '' && !known.has(name));
  if (unknown.length > 0) {
    problems.push(`unknown column(s) ${unknown.map((name) => JSON.stringify(name)).join(', ')} in the header: the columns are ${ACCOUNT_CSV_COLUMNS.join(', ')}`);
  }
  const unnamed = header.flatMap((name, index) => (name === '' ? [index + 1] : []));
  if (unnamed.length > 0) problems.push(`column(s) ${unnamed.join(', ')} of the header have no name`);
  const repeated = [...new Set(header.filter((name, index) => name !== '' && header.indexOf(name) !== index))];
  if (repeated.length > 0) problems.push(`column(s) ${repeated.join(', ')} appear more than once in the header`);
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    problems.push(`the header lacks the required column(s) ${missing.join(', ')}: the first line must name the columns, such as ${ACCOUNT_CSV_COLUMNS.slice(0, 7).join(',')}`);
  }
  return problems;
}

// `lines` is where the record ends; its raw text (after the blank lines skipped before it) says how many lines it spans.
function startLine(endLine: number, raw: string): number {
  const content = raw.replace(/\n$/u, '').replace(/^(?:[ \t]*\n)+/u, '');
  return endLine - (content.match(/\n/gu)?.length ?? 0);
}

function firstContentLine(text: string, afterLine: number): number {
  const lines = text.split('\n');
  for (let index = afterLine; index < lines.length; index += 1) {
    if ((lines[index] ?? '').trim() !== '') return index + 1;
  }
  return afterLine + 1;
}

function syntaxProblem(error: CsvError, text: string, lastRecordEnd: number): CsvProblem {
  const reported = typeof error.lines === 'number' ? error.lines : lastRecordEnd + 1;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // The rest of the file went into the unclosed field; the row that opened it starts after the last good one.
      return {
        line: firstContentLine(text, lastRecordEnd),
        message: 'a quoted field starting in this row is never closed (a " is missing), so the rest of the file cannot be read; nothing was imported',
      };
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return {
        line: reported,
        message: 'a " in the middle of a field: put the whole field in quotes and double the quotes inside it ("say ""hi"""); nothing was imported',
      };
    default:
      return { line: reported, message: `the file is not readable CSV (${error.message}); nothing was imported` };
  }
}

function parseIsoDate(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/iu.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hours, minutes, seconds, zone] = Array.from(match, (part: string | undefined) => part ?? '');
  const midnight = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Date would roll 2026-02-30 over to March 2; a calendar date must read back the same.
  if (midnight.getUTCMonth() !== Number(month) - 1 || midnight.getUTCDate() !== Number(day)) return undefined;
  if (hours === '') return midnight;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds || '0') > 59) return undefined;
  // A time without a zone is taken as UTC, never as the local time of whoever runs the import.
  const date = new Date(`${text.slice(0, 10)}T${text.slice(11)}${zone === '' ? 'Z' : ''}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
