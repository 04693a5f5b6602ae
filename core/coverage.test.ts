import { describe, expect, it } from 'vitest';
import { classifyCollectionError } from './coverage.js';
import { ConfigError, EmptyFeedError, InputValidationError, NotFoundError, PermanentError, PlatformBlockedError, TransientError } from './errors.js';

describe('classifyCollectionError', () => {
  it('names each failure by the kind of trouble it is', () => {
    expect(classifyCollectionError(new PlatformBlockedError('vk', 'a login form'))).toBe('login_wall');
    expect(classifyCollectionError(new NotFoundError('telegram channel', 'acme'))).toBe('not_found');
    expect(classifyCollectionError(new EmptyFeedError('no posts'))).toBe('empty_feed');
    expect(classifyCollectionError(new TransientError('HTTP 503', { kind: 'server_error' }))).toBe('server_error');
    expect(classifyCollectionError(new TransientError('slow', { kind: 'timeout' }))).toBe('timeout');
    expect(classifyCollectionError(new TransientError('429', { kind: 'rate_limited' }))).toBe('rate_limited');
    expect(classifyCollectionError(new PermanentError('not valid JSON'))).toBe('parse_failure');
  });

  it('counts passing trouble of no stated kind as network, and bad input or unknown errors as other', () => {
    expect(classifyCollectionError(new TransientError('reset'))).toBe('network');
    expect(classifyCollectionError(new InputValidationError('account', [{ path: 'handle', message: 'bad' }]))).toBe('other');
    expect(classifyCollectionError(new ConfigError('no browser'))).toBe('other');
    expect(classifyCollectionError(new Error('boom'))).toBe('other');
  });
});
