import { describe, expect, it } from 'vitest';
import { exampleSecretReason } from './example-secrets.js';

describe('exampleSecretReason', () => {
  it.each([
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'xoxb-not-a-real-token-this-will-not-work',
  ])('recognises the documented example %s', (secret) => {
    expect(exampleSecretReason(secret)).toBe('a documented example secret');
  });

  it('recognises a documented example inside quotes', () => {
    expect(exampleSecretReason('"AKIAIOSFODNN7EXAMPLE"')).toBe('a documented example secret');
  });

  it.each([
    'sk_live_xxxxxxxxxxxxxxxx',
    '********',
    '<your-token>',
    '${API_KEY}',
    '{{ api_token }}',
    'your_api_key',
    'REPLACE_ME_your-token-here',
    'AKIAABCDEFGHEXAMPLE',
    '00000000000000000000',
  ])('recognises the placeholder %s', (value) => {
    expect(exampleSecretReason(value)).toBe('a placeholder, not a real value');
  });

  it('recognises a value that is mostly one repeated character', () => {
    expect(exampleSecretReason('aaaaaaaaaaab')).toBe('a placeholder, not a real value');
  });

  it('does not flag a short value of one repeated character as a placeholder by the repetition rule', () => {
    expect(exampleSecretReason('aaaaaaa')).toBeUndefined();
  });

  it.each(['AKIAQ3EGRSTUVWXYZ7AB', 'ghp_R4nd0mL00k1ngT0k3nV4lu3abcdefghij12', 'q8Zr2LmX7vKp'])('leaves the real-looking %s alone', (value) => {
    expect(exampleSecretReason(value)).toBeUndefined();
  });
});
