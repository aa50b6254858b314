// Verifies a sealed PDF without trusting anything in it: the last signature's /ByteRange must cover the file
// around exactly one hex /Contents, the covered bytes must hash to the CMS messageDigest, the signed attributes
// must verify under the embedded signer certificate's key, and that certificate must be one of ours. Any input,
// however broken, gives a result rather than an exception.
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { certificateIds, DIGESTS, messageDigestOf, parseCms, signingTimeOf } from './cms.js';
import { describeCertificate, normaliseFingerprint } from './signer.js';
import { DECISION_MARKER_KEY, type DecisionMarker } from './types.js';

export type VerifyReason =
  | 'not_pdf'
  | 'no_signature'
  | 'malformed'
  | 'digest_mismatch'
  | 'bad_signature'
  | 'untrusted_signer'
  /** The signature is valid but bytes were appended after it (an incremental update): what is shown may differ. */
  | 'modified_after_signing';

export interface VerifyResult {
  ok: boolean;
  reason?: VerifyReason;
  /** The embedded signer certificate (present whenever the signature could be parsed, trusted or not). */
  signer?: { subject: string; fingerprintSha256: string };
  /** The signing time claimed in the signature (ISO), not a trusted timestamp. */
  signingTime?: string;
  /** Hex SHA-256 of the whole input. */
  pdfSha256: string;
  /** True when the signed ranges reach the end of the file (nothing appended after sealing). */
  byteRangeCoversWholeFile: boolean;
  /**
   * Which decision the document carries, read from the signed bytes only. Present even when `ok` is false
   * (to say what the document claims to be): trust it only when `ok` is true.
   */
  decision?: DecisionMarker;
}

const ascii = (s: string) => Buffer.from(s, 'latin1');
const isWhite = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

function decodePdfText(raw: Buffer): string {
  if (raw.length >= 2 && raw[0] === 0xfe && raw[1] === 0xff) {
    const le = Buffer.from(raw.subarray(2));
    for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
    return le.toString('utf16le');
  }
  return raw.toString('latin1');
}

const MARKER_FIELDS: [keyof DecisionMarker, 'string' | 'number'][] = [
  ['caseId', 'string'],
  ['decisionId', 'string'],
  ['outcome', 'string'],
  ['approvedSha256', 'string'],
];

/** Reads the CHAInDecision entry (a hex string holding JSON) from `region`, the last one if several. */
function readMarker(region: Buffer): DecisionMarker | undefined {
  const key = ascii(`/${DECISION_MARKER_KEY}`);
  const at = region.lastIndexOf(key);
  if (at < 0) return undefined;
  let p = at + key.length;
  while (isWhite(region[p])) p++;
  if (region[p] !== 0x3c /* < */) return undefined;
  const end = region.indexOf(0x3e /* > */, p);
  if (end < 0) return undefined;
  const hex = region.subarray(p + 1, end).toString('latin1').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  try {
    const parsed: unknown = JSON.parse(decodePdfText(Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex')));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const m = parsed as Record<string, unknown>;
    if (!MARKER_FIELDS.every(([k, t]) => typeof m[k] === t)) return undefined;
    return parsed as DecisionMarker;
  } catch {
    return undefined;
  }
}

interface Located {
  range: [number, number, number, number];
  contents: Buffer;
}

/** Finds the last signature's byte range and its /Contents; a string explains what is wrong. */
function locateSignature(pdf: Buffer): Located | 'no_signature' | 'malformed' {
  const at = pdf.lastIndexOf(ascii('/ByteRange'));
  if (at < 0) return 'no_signature';
  const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(at, at + 120).toString('latin1'));
  if (!m) return 'malformed'; // e.g. an unsigned placeholder
  const range = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
  const [start, len1, off2, len2] = range;
  if (start !== 0 || len1 <= 0 || off2 <= len1 + 1 || len2 < 0 || off2 + len2 > pdf.length) return 'malformed';
  // The gap must be exactly the value of /Contents: "<hex>", nothing else left unsigned.
  if (pdf[len1] !== 0x3c || pdf[off2 - 1] !== 0x3e) return 'malformed';
  const hex = pdf.subarray(len1 + 1, off2 - 1);
  for (const b of hex) if (!isHex(b)) return 'malformed';
  let k = len1 - 1;
  while (k > 0 && isWhite(pdf[k])) k--;
  const key = ascii('/Contents');
  if (!pdf.subarray(k - key.length + 1, k + 1).equals(key)) return 'malformed';
  return { range, contents: Buffer.from(hex.toString('latin1'), 'hex') };
}

/**
 * Verifies the last signature of `bytes`. `trusted` lists the sealing certificates this deployment accepts
 * (their SHA-256 fingerprints, hex, any case, colons allowed).
 */
export function verifySealedPdf(bytes: Uint8Array, trusted: { fingerprintSha256: string }[]): VerifyResult {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
  const result = (r: Omit<VerifyResult, 'pdfSha256' | 'byteRangeCoversWholeFile'> & { byteRangeCoversWholeFile?: boolean }): VerifyResult => ({
    pdfSha256,
    byteRangeCoversWholeFile: false,
    ...r,
  });

  if (pdf.subarray(0, 1024).indexOf(ascii('%PDF-')) < 0) return result({ ok: false, reason: 'not_pdf' });
  try {
    const located = locateSignature(pdf);
    if (typeof located === 'string') return result({ ok: false, reason: located });
    const [, len1, off2, len2] = located.range;
    const byteRangeCoversWholeFile = off2 + len2 === pdf.length;
    const before = pdf.subarray(0, len1);
    const after = pdf.subarray(off2, off2 + len2);
    const decision = readMarker(after) ?? readMarker(before);
    const base = { byteRangeCoversWholeFile, ...(decision ? { decision } : {}) };

    let cms;
    try {
      cms = parseCms(located.contents);
    } catch {
      return result({ ok: false, reason: 'malformed', ...base });
    }
    const si = cms.signer;
    const signerDer = cms.certificates.find((c) => {
      try {
        const ids = certificateIds(c);
        return ids.issuer.equals(si.sid.issuer) && ids.serial.equals(si.sid.serial);
      } catch {
        return false;
      }
    });
    let signer: VerifyResult['signer'];
    let cert: X509Certificate | undefined;
    if (signerDer) {
      try {
        cert = new X509Certificate(signerDer);
        const d = describeCertificate(signerDer);
        signer = { subject: d.subject, fingerprintSha256: d.fingerprintSha256 };
      } catch {
        cert = undefined;
      }
    }
    const signingTime = signingTimeOf(si)?.toISOString();
    const withSigner = { ...base, ...(signer ? { signer } : {}), ...(signingTime ? { signingTime } : {}) };

    const hashName = DIGESTS[si.digestAlgorithm];
    const claimed = messageDigestOf(si);
    if (!hashName || !claimed) return result({ ok: false, reason: 'malformed', ...withSigner });
    const actual = createHash(hashName).update(before).update(after).digest();
    if (!actual.equals(claimed)) return result({ ok: false, reason: 'digest_mismatch', ...withSigner });

    if (!cert) return result({ ok: false, reason: 'bad_signature', ...withSigner });
    let valid = false;
    try {
      valid = cryptoVerify(hashName, si.signedAttrsForVerify, cert.publicKey, si.signature);
    } catch {
      valid = false;
    }
    if (!valid) return result({ ok: false, reason: 'bad_signature', ...withSigner });

    const trustedSet = new Set(trusted.map((t) => normaliseFingerprint(t.fingerprintSha256)));
    if (!signer || !trustedSet.has(signer.fingerprintSha256)) return result({ ok: false, reason: 'untrusted_signer', ...withSigner });
    if (!byteRangeCoversWholeFile) return result({ ok: false, reason: 'modified_after_signing', ...withSigner });
    return result({ ok: true, ...withSigner });
  } catch {
    return result({ ok: false, reason: 'malformed' });
  }
}
