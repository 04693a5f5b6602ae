import { describe, expect, it } from 'vitest';
import { withoutPersonalFilters } from './findings-filters.js';

describe('withoutPersonalFilters', () => {
  it('keeps every filter of a saved view but the owner and the search text', () => {
    expect(withoutPersonalFilters('?state=new&owner=anna.nowak%40example.invalid&severity=high&text=AKIAQ4DEMO&sort=score')).toBe('?state=new&severity=high&sort=score');
  });

  it('leaves nothing when the owner and the text were the only filters', () => {
    expect(withoutPersonalFilters('?owner=E-1042&text=hunter2')).toBe('');
    expect(withoutPersonalFilters('')).toBe('');
  });
});
