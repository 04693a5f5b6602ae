import { describe, expect, it } from 'vitest';
import { parseAccountFields, readAccountsCsv } from './read-accounts-csv.js';

const HEADER = 'platform,handle,kind,owner_name,owner_email,notice_given_at,schedule';

describe('readAccountsCsv', () => {
  it('reads every column into the account the registry takes', () => {
    const csv = [
      'platform,handle,kind,url,display_name,owner_employee_id,owner_name,owner_email,owner_department,notice_given_at,legal_basis,legal_basis_at,schedule,active',
      'mastodon,jdoe,employee,https://social.halvard.example,Jane,E-1042,Jane Doe,jane.doe@halvard-aero.example,Avionics,2026-01-15,consent,2026-01-10T09:30:00+02:00,6h,no',
    ].join('\n');
    const { rows, problems, isReadable } = readAccountsCsv(csv);
    expect([problems, isReadable]).toEqual([[], true]);
    expect(rows).toEqual([
      {
        line: 2,
        account: {
          platform: 'mastodon',
          handle: 'jdoe',
          kind: 'employee',
          url: 'https://social.halvard.example',
          displayName: 'Jane',
          owner: { employeeId: 'E-1042', name: 'Jane Doe', email: 'jane.doe@halvard-aero.example', department: 'Avionics' },
          noticeGivenAt: new Date('2026-01-15T00:00:00Z'),
          legalBasis: 'consent',
          legalBasisAt: new Date('2026-01-10T07:30:00Z'),
          schedule: '6h',
          isActive: false,
        },
      },
    ]);
  });

  it('accepts a BOM, CRLF line ends, header names in any case and surrounding spaces', () => {
    const csv = '\uFEFFPlatform , Handle,KIND\r\n telegram , halvard_news , corporate \r\n';
    const { rows, problems } = readAccountsCsv(csv);
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ line: 2, account: { platform: 'telegram', handle: 'halvard_news', kind: 'corporate', isActive: true } }]);
  });

  it('reports every bad row with the line it starts on and keeps the good ones', () => {
    const csv = [
      HEADER,
      'telegram,good_one,corporate,,,,',
      'twitter,someone,employee,Ann,,,',
      'mastodon,bob,employee,Bob,bob@,,',
      '',
      'bluesky,carol.example,employee,Carol,,2026-02-30,',
      'vk,dave,employee,Dave,,,every minute',
      'vk,,corporate,,,,',
      'threads,"eve',
      'multi-line note",employee,Eve,,,',
      'youtube,@fred,employee,Fred,fred@halvard-aero.example,yesterday,',
      'telegram,good_two,employee,,,,',
      'rss,https://blog.example/feed,corporate,,,,1d',
    ].join('\n');
    const { rows, problems } = readAccountsCsv(csv);
    expect(rows.map((row) => [row.line, row.account.handle])).toEqual([
      [2, 'good_one'],
      [9, 'eve\nmulti-line note'],
      [13, 'https://blog.example/feed'],
    ]);
    expect(problems.map((problem) => problem.line)).toEqual([3, 4, 6, 7, 8, 11, 12]);
    expect(problems[0]!.message).toContain('platform: "twitter" is not a platform overshare collects from: use one of telegram, mastodon');
    expect(problems[1]!.message).toBe('owner_email: "bob@" is not an e-mail address, such as jane.doe@example.com');
    expect(problems[2]!.message).toContain('notice_given_at: "2026-02-30" is not a date: write YYYY-MM-DD');
    expect(problems[3]!.message).toContain('schedule: ');
    expect(problems[3]!.message).toContain('such as 30m, 6h, 1d or 2h30m');
    expect(problems[4]!.message).toContain('handle: is required');
    expect(problems[5]!.message).toContain('notice_given_at: "yesterday" is not a date');
    expect(problems[6]!.message).toBe("owner_name: an employee account needs its owner's name or employee id");
  });

  it('gives each problem of a row with several its own entry on the row\'s line', () => {
    const { problems } = readAccountsCsv(`${HEADER}\nfoo,,boss,,,,\n`);
    expect(problems.map((problem) => [problem.line, problem.message.split(':')[0]])).toEqual([
      [2, 'platform'],
      [2, 'handle'],
      [2, 'kind'],
    ]);
  });

  it('refuses a row with more or fewer fields than the header', () => {
    const { rows, problems } = readAccountsCsv('platform,handle,kind\ntelegram,a,corporate,extra\ntelegram,b\ntelegram,c,corporate\n');
    expect(rows.map((row) => row.account.handle)).toEqual(['c']);
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(problems[0]!.message).toContain("different number of fields than the header's 3");
  });

  it('skips rows whose fields are all empty, as spreadsheets export them', () => {
    const { rows, problems } = readAccountsCsv('platform,handle,kind\n,,\ntelegram,a,corporate\n,,\n');
    expect(problems).toEqual([]);
    expect(rows.map((row) => row.line)).toEqual([3]);
  });

  it('refuses generic accounts, whose selectors a CSV cannot carry', () => {
    const { problems } = readAccountsCsv('platform,handle,kind\ngeneric,https://blog.example,corporate\n');
    expect(problems).toEqual([{ line: 2, message: expect.stringContaining('overshare accounts add --platform generic --selectors') as string }]);
  });

  describe('the header', () => {
    it('refuses unknown columns, naming them and the known ones, and reads no row', () => {
      const { rows, problems, isReadable } = readAccountsCsv('platform,handle,kind,owner,e-mail\ntelegram,a,corporate,x,y\n');
      expect([rows, isReadable]).toEqual([[], false]);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.line).toBe(1);
      expect(problems[0]!.message).toContain('unknown column(s) "owner", "e-mail" in the header: the columns are platform, handle, kind, url');
    });

    it('refuses a header without the required columns', () => {
      const { problems } = readAccountsCsv('platform,owner_name\ntelegram,Ann\n');
      expect(problems).toEqual([{ line: 1, message: expect.stringContaining('lacks the required column(s) handle, kind') as string }]);
    });

    it('refuses a column named twice', () => {
      const { problems } = readAccountsCsv('platform,handle,kind,handle\ntelegram,a,corporate,b\n');
      expect(problems[0]!.message).toContain('handle appear more than once');
    });

    it('takes the header from the first line that is not blank', () => {
      const { rows, problems } = readAccountsCsv('\n\nplatform,handle\ntelegram,a\n');
      expect(rows).toEqual([]);
      expect(problems[0]!.line).toBe(3);
    });
  });

  describe('broken CSV syntax', () => {
    it('reports the line where a never-closed quote opens, and imports nothing', () => {
      const { rows, problems, isReadable } = readAccountsCsv('platform,handle,kind\ntelegram,a,corporate\n\ntelegram,"b,corporate\ntelegram,c,corporate\n');
      expect([rows, isReadable]).toEqual([[], false]);
      expect(problems).toEqual([{ line: 4, message: expect.stringContaining('never closed') as string }]);
    });

    it('reports a never-closed quote in the first row under the header', () => {
      const { problems } = readAccountsCsv('platform,handle,kind\ntelegram,"a,corporate\n');
      expect(problems.map((problem) => problem.line)).toEqual([2]);
    });

    it('reports a stray quote inside a field with its line', () => {
      const { problems } = readAccountsCsv('platform,handle,kind\ntelegram,a,corporate\ntelegram,b"x,corporate\n');
      expect(problems).toEqual([{ line: 3, message: expect.stringContaining('double the quotes inside it') as string }]);
    });
  });
});

describe('parseAccountFields', () => {
  it('reads dates as UTC, also a time written without a zone', () => {
    const result = parseAccountFields({ platform: 'telegram', handle: 'a', kind: 'corporate', notice_given_at: '2026-03-01T08:00', legal_basis_at: '2026-03-01' });
    expect(result).toMatchObject({ account: { noticeGivenAt: new Date('2026-03-01T08:00:00Z'), legalBasisAt: new Date('2026-03-01T00:00:00Z') } });
  });

  it('accepts an employee account with an employee id and no name', () => {
    expect(parseAccountFields({ platform: 'vk', handle: 'a', kind: 'employee', owner_employee_id: 'E-7' })).toMatchObject({ account: { owner: { employeeId: 'E-7' } } });
  });

  it('refuses a URL that is not http(s) and an active flag that is not yes or no', () => {
    const result = parseAccountFields({ platform: 'rss', handle: 'a', kind: 'corporate', url: 'ftp://files.example', active: 'maybe' });
    expect(result).toEqual({
      problems: [
        { column: 'url', message: expect.stringContaining('must be an http:// or https:// URL') as string },
        { column: 'active', message: expect.stringContaining('"maybe" is not yes or no') as string },
      ],
    });
  });
});
