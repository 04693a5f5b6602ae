import { describe, expect, it } from 'vitest';
import { shownSinkUrl } from './shown-sink-url.js';

describe('shownSinkUrl', () => {
  it('keeps scheme, host and port and hides the path, query and credentials', () => {
    expect(shownSinkUrl(new URL('https://user:pw@hooks.example.com:8443/services/T0/B0/s3cr3t?token=abc#x'))).toBe('https://hooks.example.com:8443/…');
  });

  it('shows a bare origin as it is', () => {
    expect(shownSinkUrl(new URL('http://siem.example.com'))).toBe('http://siem.example.com');
  });
});
