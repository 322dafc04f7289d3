import { describe, expect, it } from 'vitest';

import { secretLeaks } from './log-secrets.js';

const JWS =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.MEUCIQDx5m8AkM0sm1Ytq9Yw1WcB3mV0';

describe('secretLeaks, the check every end-to-end test runs on its log', () => {
  it.each([
    ['a known password', '{"msg":"verify","password":"alice-secret-123"}'],
    ['a signed token', `{"msg":"issued","token":"${JWS}"}`],
    ['Basic credentials', '{"headers":{"authorization":"Basic YWxpY2U6YWxpY2Utc2VjcmV0"}}'],
    ['a bearer secret', '{"msg":"refused Bearer notification-secret-0123"}'],
  ])('finds %s', (_what, line) => {
    expect(secretLeaks([line], ['alice-secret-123'])).toEqual([line]);
  });

  it.each([
    ['a redacted header', '{"headers":{"authorization":"***"}}'],
    ['a redacted bearer', '{"msg":"Bearer ***"}'],
    ['a key id', '{"kid":"Eo9q66-x7wEw7WLd50iSEzJfs8cscy7BPsg0WZ4Y8Uk"}'],
    ['an image digest', '{"digest":"sha256:0123456789abcdef0123456789abcdef"}'],
  ])('lets %s through', (_what, line) => {
    expect(secretLeaks([line], ['alice-secret-123'])).toEqual([]);
  });
});
