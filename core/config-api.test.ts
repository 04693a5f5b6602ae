import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const CWD = '/srv/overshare';

describe('loadConfig: API, sessions and SIEM sinks', () => {
  it('reads the secret key, TLS files, public URL, session and sink settings', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig(
      {
        SECRET_KEY: key,
        TLS_CERT_FILE: 'tls/cert.pem',
        TLS_KEY_FILE: '/etc/tls/key.pem',
        PUBLIC_URL: 'https://overshare.corp.example',
        SESSION_IDLE_TIMEOUT_MS: '900000',
        SESSION_MAX_AGE_MS: '28800000',
        SINK_ALLOWED_PRIVATE_HOSTS: 'siem.corp.internal, 10.20.0.0/16',
        SINK_POLL_MS: '500',
        SINK_BATCH_SIZE: '250',
        SINK_DISABLE_AFTER_MS: '3600000',
      },
      CWD,
    );
    expect(config.auth).toEqual({ secretKey: Buffer.alloc(32, 7), sessionIdleTimeoutMs: 900_000, sessionMaxAgeMs: 28_800_000 });
    expect(config.server).toMatchObject({ tlsCertFile: '/srv/overshare/tls/cert.pem', tlsKeyFile: '/etc/tls/key.pem', publicUrl: 'https://overshare.corp.example' });
    expect(config.sinks).toEqual({ allowedPrivateHosts: ['siem.corp.internal', '10.20.0.0/16'], pollMs: 500, batchSize: 250, disableAfterMs: 3_600_000 });
  });

  it('refuses a secret key that is not 32 bytes of base64, without echoing it', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    expect(() => loadConfig({ SECRET_KEY: short }, CWD)).toThrow(/SECRET_KEY must be 32 random bytes in base64 \(make one with: openssl rand -base64 32\) \(value hidden\)/u);
    expect(() => loadConfig({ SECRET_KEY: short }, CWD)).not.toThrow(new RegExp(short.replace(/[+/=]/gu, '.'), 'u'));
  });

  it('refuses one TLS file without the other', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: 'cert.pem' }, CWD)).toThrow(/Only one of TLS_CERT_FILE and TLS_KEY_FILE is set/u);
    expect(() => loadConfig({ TLS_KEY_FILE: 'key.pem' }, CWD)).toThrow(/Only one of TLS_CERT_FILE and TLS_KEY_FILE is set/u);
  });

  it('refuses sink allowlists that would open whole address spaces, like the crawler’s', () => {
    expect(() => loadConfig({ SINK_ALLOWED_PRIVATE_HOSTS: '0.0.0.0/0' }, CWD)).toThrow(/SINK_ALLOWED_PRIVATE_HOSTS must not open whole address spaces/u);
    expect(() => loadConfig({ PUBLIC_URL: 'overshare.example' }, CWD)).toThrow(/PUBLIC_URL must be a URL starting with http:\/\/ or https:\/\//u);
  });

  it('refuses a session idle timeout under a minute', () => {
    expect(() => loadConfig({ SESSION_IDLE_TIMEOUT_MS: '1000' }, CWD)).toThrow(/SESSION_IDLE_TIMEOUT_MS must be a whole number from 60000/u);
  });
});
