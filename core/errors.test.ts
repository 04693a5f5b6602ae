import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InputValidationError,
  isRetryable,
  NotFoundError,
  OvershareError,
  PermanentError,
  PlatformBlockedError,
  TransientError,
} from './errors.js';

/** One of each class, with the name and stable code it must carry. */
const EVERY_ERROR: ReadonlyArray<{ name: string; code: string; error: OvershareError }> = [
  { name: 'PermanentError', code: 'permanent', error: new PermanentError('disk full') },
  { name: 'TransientError', code: 'transient', error: new TransientError('connection reset') },
  { name: 'PlatformBlockedError', code: 'platform_blocked', error: new PlatformBlockedError('mastodon', 'login wall') },
  { name: 'ConfigError', code: 'config', error: new ConfigError('PORT is bad') },
  { name: 'InputValidationError', code: 'input_validation', error: new InputValidationError('policy.yaml', []) },
  { name: 'NotFoundError', code: 'not_found', error: new NotFoundError('finding', 'f-1') },
];

describe('error classes', () => {
  it.each(EVERY_ERROR)('names a $name after its class', ({ name, error }) => {
    expect(error.name).toBe(name);
  });

  it.each(EVERY_ERROR)('gives a $name the stable code $code', ({ code, error }) => {
    expect(error.code).toBe(code);
  });

  it.each(EVERY_ERROR.filter(({ name }) => name !== 'TransientError'))('makes a $name a PermanentError', ({ error }) => {
    expect(error).toBeInstanceOf(PermanentError);
  });

  it('keeps TransientError apart from PermanentError', () => {
    const error = new TransientError('connection reset');

    expect(error).toBeInstanceOf(OvershareError);
    expect(error).not.toBeInstanceOf(PermanentError);
  });

  it('keeps the cause it wraps', () => {
    const cause = new Error('ECONNRESET');

    expect(new TransientError('fetch failed', { cause }).cause).toBe(cause);
  });

  it('keeps retryAfterMs on a TransientError', () => {
    expect(new TransientError('rate limited', { retryAfterMs: 30_000 }).retryAfterMs).toBe(30_000);
  });

  it('leaves retryAfterMs unset when the other side gave none', () => {
    expect(new TransientError('rate limited').retryAfterMs).toBeUndefined();
  });

  it('says which platform blocked collection and why', () => {
    const error = new PlatformBlockedError('mastodon', 'captcha page');

    expect([error.message, error.platform, error.reason]).toEqual(['mastodon blocked collection: captcha page', 'mastodon', 'captcha page']);
  });

  it('quotes the id a NotFoundError could not find', () => {
    const error = new NotFoundError('finding', 'f-1');

    expect([error.message, error.resource, error.id]).toEqual(['finding "f-1" was not found', 'finding', 'f-1']);
  });
});

describe('InputValidationError', () => {
  it('lists every issue with source, line, column, path and message', () => {
    const error = new InputValidationError('policy.yaml', [
      { path: 'reviewThreshold', message: 'is too big (got 101)', line: 4, column: 18 },
      { path: 'codeNames[0].name', message: 'must not be empty (got "")', line: 7, column: 11 },
    ]);

    expect(error.message).toBe(
      [
        'policy.yaml has 2 problems:',
        '  policy.yaml:4:18  reviewThreshold: is too big (got 101)',
        '  policy.yaml:7:11  codeNames[0].name: must not be empty (got "")',
      ].join('\n'),
    );
  });

  it('counts a single issue as "1 problem"', () => {
    const error = new InputValidationError('accounts.csv', [{ path: 'line 12', message: 'has no handle' }]);

    expect(error.message).toBe(['accounts.csv has 1 problem:', '  accounts.csv  line 12: has no handle'].join('\n'));
  });

  it('shows the source alone when the issue has no line', () => {
    const error = new InputValidationError('body', [{ path: '/handle', message: 'is required' }]);

    expect(error.message).toContain('\n  body  /handle: is required');
  });

  it('takes column 1 when the issue has a line but no column', () => {
    const error = new InputValidationError('policy.yaml', [{ path: 'version', message: 'must be 1', line: 3 }]);

    expect(error.message).toContain('\n  policy.yaml:3:1  version: must be 1');
  });

  it('names an issue with an empty path "(top level)"', () => {
    const error = new InputValidationError('policy.yaml', [{ path: '', message: 'is empty', line: 1, column: 1 }]);

    expect(error.message).toContain('\n  policy.yaml:1:1  (top level): is empty');
  });

  it('keeps the source and the issues as data', () => {
    const issues = [{ path: 'version', message: 'must be 1' }];
    const error = new InputValidationError('policy.yaml', issues);

    expect([error.source, error.issues]).toEqual(['policy.yaml', [{ path: 'version', message: 'must be 1' }]]);
  });
});

describe('isRetryable', () => {
  it('is true for a TransientError', () => {
    expect(isRetryable(new TransientError('connection reset'))).toBe(true);
  });

  it('is true for a subclass of TransientError', () => {
    class RateLimitedError extends TransientError {}

    expect(isRetryable(new RateLimitedError('429'))).toBe(true);
  });

  it.each([
    ['a PermanentError', new PermanentError('disk full')],
    ['a PlatformBlockedError', new PlatformBlockedError('mastodon', 'login wall')],
    ['a ConfigError', new ConfigError('PORT is bad')],
    ['an InputValidationError', new InputValidationError('policy.yaml', [])],
    ['a NotFoundError', new NotFoundError('finding', 'f-1')],
    ['a plain Error', new Error('connection reset')],
    ['a TransientError wrapped as a cause', new Error('outer', { cause: new TransientError('inner') })],
    ['a string', 'connection reset'],
    ['undefined', undefined],
  ])('is false for %s', (_label, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});
