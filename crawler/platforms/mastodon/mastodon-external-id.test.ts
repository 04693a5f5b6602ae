import { describe, expect, it } from 'vitest';
import { mastodonExternalId, mastodonStatusIdOf } from './mastodon-external-id.js';

describe('mastodonExternalId', () => {
  it('puts the host of the server before its status id', () => {
    expect(mastodonExternalId('https://mastodon.social', '113542671201448290')).toBe('mastodon.social/113542671201448290');
    expect(mastodonExternalId('http://127.0.0.1:8080/mastodon', '42')).toBe('127.0.0.1:8080/42');
  });

  it('gives the same status number on two servers two different ids', () => {
    expect(mastodonExternalId('https://fosstodon.org', '42')).not.toBe(mastodonExternalId('https://mastodon.social', '42'));
  });
});

describe('mastodonStatusIdOf', () => {
  it('reads back the status id of an id from the same server', () => {
    expect(mastodonStatusIdOf('mastodon.social/113542671201448290', 'https://mastodon.social')).toBe('113542671201448290');
    expect(mastodonStatusIdOf('127.0.0.1:8080/42', 'http://127.0.0.1:8080/mastodon')).toBe('42');
  });

  it('reads Pleroma flake ids and GoToSocial ULIDs too', () => {
    expect(mastodonStatusIdOf('pleroma.example/AbCdEf123', 'https://pleroma.example')).toBe('AbCdEf123');
    expect(mastodonStatusIdOf('gts.example/01HQ3Z8X9Y0ABCDEFGHJKMNPQR', 'https://gts.example')).toBe('01HQ3Z8X9Y0ABCDEFGHJKMNPQR');
  });

  it('gives nothing for an id of another server, a bare id or one of another shape', () => {
    expect(mastodonStatusIdOf('fosstodon.org/42', 'https://mastodon.social')).toBeUndefined();
    expect(mastodonStatusIdOf('mastodon.social.evil.example/42', 'https://mastodon.social')).toBeUndefined();
    expect(mastodonStatusIdOf('42', 'https://mastodon.social')).toBeUndefined();
    expect(mastodonStatusIdOf('mastodon.social/42&limit=1', 'https://mastodon.social')).toBeUndefined();
    expect(mastodonStatusIdOf('mastodon.social/', 'https://mastodon.social')).toBeUndefined();
  });
});
