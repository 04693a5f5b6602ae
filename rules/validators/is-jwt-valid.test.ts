import { describe, expect, it } from 'vitest';
import { isJwtValid } from './is-jwt-valid.js';

// jwt.io's HS256 example token.
const HS256_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

// {"alg":"ES256","typ":"JWT","kid":"k1"} . {"iss":"https://id.example.com","sub":"alice","exp":1735689600}
const ES256_HEADER = 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0';
const ES256_PAYLOAD = 'eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuY29tIiwic3ViIjoiYWxpY2UiLCJleHAiOjE3MzU2ODk2MDB9';
const ES256_SIGNATURE = 'CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW-yBFao-02f4jSG2St9wBJg';

// {"alg":"none"} . {"sub":"1"}
const NONE_HEADER = 'eyJhbGciOiJub25lIn0';
const SUB_PAYLOAD = 'eyJzdWIiOiIxIn0';

describe('isJwtValid', () => {
  it('accepts the jwt.io HS256 example token', () => {
    expect(isJwtValid(HS256_TOKEN)).toBe(true);
  });

  it('accepts an ES256 token whose signature uses - and _', () => {
    expect(isJwtValid(`${ES256_HEADER}.${ES256_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(true);
  });

  it('accepts an unsecured alg none token with an empty signature', () => {
    expect(isJwtValid(`${NONE_HEADER}.${SUB_PAYLOAD}.`)).toBe(true);
  });

  it('rejects an alg none token that carries a signature', () => {
    expect(isJwtValid(`${NONE_HEADER}.${SUB_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a signed token whose signature is empty', () => {
    expect(isJwtValid(`${ES256_HEADER}.${ES256_PAYLOAD}.`)).toBe(false);
  });

  it('rejects a token of two segments', () => {
    expect(isJwtValid(`${ES256_HEADER}.${ES256_PAYLOAD}`)).toBe(false);
  });

  it('rejects a token of four segments', () => {
    expect(isJwtValid(`${ES256_HEADER}.${ES256_PAYLOAD}.${ES256_SIGNATURE}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a header without alg', () => {
    // {"typ":"JWT"}
    expect(isJwtValid(`eyJ0eXAiOiJKV1QifQ.${SUB_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a header whose alg is a number', () => {
    // {"alg":256}
    expect(isJwtValid(`eyJhbGciOjI1Nn0.${SUB_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a header whose alg is empty', () => {
    // {"alg":""}
    expect(isJwtValid(`eyJhbGciOiIifQ.${SUB_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a header that is a JSON array', () => {
    // ["alg","HS256"]
    expect(isJwtValid(`WyJhbGciLCJIUzI1NiJd.${SUB_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a header that is not UTF-8', () => {
    // {"alg":"<0xFF>"}
    expect(isJwtValid(`eyJhbGciOiL_In0.${SUB_PAYLOAD}.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a header with non-zero padding bits', () => {
    // The last character differs from NONE_HEADER's only in bits that decoding drops.
    expect(isJwtValid(`eyJhbGciOiJub25lIn1.${SUB_PAYLOAD}.`)).toBe(false);
  });

  it('rejects a payload that is not JSON', () => {
    // hello
    expect(isJwtValid(`${ES256_HEADER}.aGVsbG8.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a payload that is a JSON array', () => {
    // [1,2]
    expect(isJwtValid(`${ES256_HEADER}.WzEsMl0.${ES256_SIGNATURE}`)).toBe(false);
  });

  it('rejects a signature in standard base64 with + and /', () => {
    const signature = 'CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4jSG2St9wBJg';
    expect(isJwtValid(`${ES256_HEADER}.${ES256_PAYLOAD}.${signature}`)).toBe(false);
  });

  it('rejects a signature with = padding', () => {
    expect(isJwtValid(`${ES256_HEADER}.${ES256_PAYLOAD}.${ES256_SIGNATURE}==`)).toBe(false);
  });

  it('rejects a token preceded by its Authorization scheme', () => {
    expect(isJwtValid(`Bearer ${HS256_TOKEN}`)).toBe(false);
  });

  it('rejects a lower-cased token, so JWT rules must match raw text', () => {
    expect(isJwtValid(HS256_TOKEN.toLowerCase())).toBe(false);
  });

  it('rejects two dots alone', () => {
    expect(isJwtValid('..')).toBe(false);
  });
});
