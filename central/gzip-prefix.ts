import { constants, crc32, deflateRawSync } from 'node:zlib';

/** A body's constant beginning, compressed once and left open (flushed to a byte, not finished). */
export interface DeflatedPrefix {
  deflated: Buffer;
  crc: number;
  length: number;
}

/** gzip's member header: deflate, no name, no time, unknown system (RFC 1952 § 2.3). */
const gzipHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/**
 * Compresses the beginning of a body that many answers share. The deflate stream is
 * flushed to a byte boundary and not finished, so `gzipWithSuffix` can end it with each
 * answer's own few bytes without compressing the beginning again.
 */
export function deflatePrefix(prefix: Buffer): DeflatedPrefix {
  return { deflated: deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH }), crc: crc32(prefix), length: prefix.length };
}

/**
 * One gzip member (RFC 1952) holding the prefix and then `suffix`: the prefix's open deflate
 * stream, a final stored block with the suffix (RFC 1951 § 3.2.4), the CRC-32 and size of
 * the whole. Any gzip reader reads it; nothing but the suffix is encoded per answer.
 */
export function gzipWithSuffix(prefix: DeflatedPrefix, suffix: Buffer): Buffer {
  if (suffix.length > 0xffff) throw new RangeError('suffix too long for one stored block');
  const stored = Buffer.alloc(5);
  stored[0] = 0x01; // BFINAL = 1, BTYPE = 00 (stored); already on a byte boundary after the flush
  stored.writeUInt16LE(suffix.length, 1);
  stored.writeUInt16LE(~suffix.length & 0xffff, 3);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(suffix, prefix.crc), 0);
  trailer.writeUInt32LE((prefix.length + suffix.length) >>> 0, 4);
  return Buffer.concat([gzipHeader, prefix.deflated, stored, suffix, trailer]);
}

/** Whether an Accept-Encoding header takes gzip (named, or `*`, with a weight above 0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  let star = false;
  for (const part of text.split(',')) {
    const [name = '', ...parameters] = part.trim().toLowerCase().split(';');
    const weight = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const accepted = weight === undefined || Number(weight.slice(2)) > 0;
    if (name.trim() === 'gzip') return accepted;
    if (name.trim() === '*') star = accepted;
  }
  return star;
}
