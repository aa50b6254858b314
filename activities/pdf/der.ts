// A minimal DER reader and writer for the few CMS (PKCS#7) structures the seal needs. The reader keeps the raw
// bytes of every element: verifying a CMS signature means hashing the signed attributes exactly as they were
// encoded, which a decode-and-re-encode library cannot promise.

export interface Tlv {
  /** The identifier octet (single-byte tags only: all of CMS/X.509 uses low tag numbers). */
  tag: number;
  /** Offset of the identifier octet in the source. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
  /** The whole element (identifier, length, content). */
  raw: Buffer;
  /** The content octets. */
  content: Buffer;
}

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [0] constructed (EXPLICIT [0], or IMPLICIT [0] of a constructed type). */
  CTX0: 0xa0,
  CTX1: 0xa1,
} as const;

/** Reads one element at `offset` of `buf` (bounded by `limit`). Throws DerError on anything malformed. */
export function readTlv(buf: Buffer, offset = 0, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let pos = offset + 1;
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('length too large');
    if (pos + n > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  const end = pos + length;
  if (end > limit) throw new DerError('element runs past its container');
  return { tag, start: offset, contentStart: pos, end, raw: buf.subarray(offset, end), content: buf.subarray(pos, end) };
}

/** The children of a constructed element. */
export function children(parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  const src = parent.content;
  let pos = 0;
  while (pos < src.length) {
    const child = readTlv(src, pos);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Child `index` of `parent`, required to carry `tag` when given. */
export function child(parent: Tlv, index: number, tag?: number): Tlv {
  const c = children(parent)[index];
  if (!c) throw new DerError(`missing element #${index}`);
  if (tag !== undefined && c.tag !== tag) throw new DerError(`element #${index}: expected tag 0x${tag.toString(16)}, got 0x${c.tag.toString(16)}`);
  return c;
}

export function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new DerError('empty OID');
  const first = content[0]!;
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), first >= 80 ? first - 80 : first % 40];
  let value = 0;
  for (let i = 1; i < content.length; i++) {
    const b = content[i]!;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

// --- writer ---------------------------------------------------------------------------------------------------

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...parts);

/** A DER SET OF: elements sorted by their encodings, as X.690 §11.6 requires. */
export const setOf = (...parts: Buffer[]): Buffer => tlv(TAG.SET, ...[...parts].sort(Buffer.compare));

export function oid(dotted: string): Buffer {
  const nums = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = nums;
  const bytes: number[] = [a * 40 + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0]);
export const octetString = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);

export function smallInteger(n: number): Buffer {
  if (n < 0 || n > 127) throw new DerError('smallInteger covers 0..127');
  return tlv(TAG.INTEGER, Buffer.from([n]));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3). Whole seconds, UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const year = date.getUTCFullYear();
  const body = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, Buffer.from(String(year).slice(2) + body, 'ascii'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(String(year).padStart(4, '0') + body, 'ascii'));
}

export function decodeTime(t: Tlv): Date | undefined {
  const s = t.content.toString('ascii');
  const m =
    t.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s)
      : t.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s)
        : null;
  if (!m) return undefined;
  let year = Number(m[1]);
  if (t.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}
