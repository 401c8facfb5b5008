import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, deflatePrefix, gzipWithSuffix } from '../../central/gzip-prefix';

/** #16: a shared feed page compressed once, each answer ending it with its own server time. */
describe('gzip with a shared prefix', () => {
  it('any gzip reader reads the prefix and then the suffix, for texts and bytes of any size', () => {
    const text = Buffer.from(JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ id: `REQ-${i}`, surname: 'Nguyễn' })) }));
    for (const prefix of [Buffer.alloc(0), Buffer.from('{"a":'), text, randomBytes(200_000)]) {
      const deflated = deflatePrefix(prefix);
      for (const suffix of [Buffer.alloc(0), Buffer.from('"2026-11-30T23:59:59.999Z"}'), randomBytes(65_535)]) {
        const body = gzipWithSuffix(deflated, suffix);
        expect(gunzipSync(body).equals(Buffer.concat([prefix, suffix]))).toBe(true);
      }
    }
    // Compressed once: a page of JSON comes out several times smaller.
    expect(deflatePrefix(text).deflated.length).toBeLessThan(text.length / 4);
    expect(() => gzipWithSuffix(deflatePrefix(text), Buffer.alloc(65_536))).toThrow(RangeError);
  });

  it('is sent only to a client that takes gzip', () => {
    expect(acceptsGzip('gzip, deflate')).toBe(true);
    expect(acceptsGzip('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip(['deflate', 'gzip'])).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*, gzip;q=0')).toBe(false);
    expect(acceptsGzip('deflate, br')).toBe(false);
  });
});
