// Detached CMS SignedData (RFC 5652; "PKCS#7" in PDF parlance) for PDF seals: built and parsed here, with
// node:crypto doing the hashing and the RSA/ECDSA work (node-forge only reads the .p12 once, in signer.ts).
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { child, children, DerError, decodeOid, decodeTime, nullValue, octetString, oid, readTlv, seq, setOf, smallInteger, TAG, time, tlv, type Tlv } from './der.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
} as const;

/** Digest OIDs this layer accepts when verifying, with node's hash names. */
export const DIGESTS: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

export interface CertificateIds {
  /** The issuer Name, as encoded in the certificate. */
  issuer: Buffer;
  /** The serialNumber INTEGER element, as encoded in the certificate. */
  serial: Buffer;
}

/** Issuer and serial number of a DER certificate, raw (for IssuerAndSerialNumber). */
export function certificateIds(certDer: Buffer): CertificateIds {
  const cert = readTlv(certDer);
  const tbs = child(cert, 0, TAG.SEQUENCE);
  const kids = children(tbs);
  const off = kids[0]?.tag === TAG.CTX0 ? 1 : 0; // [0] EXPLICIT version is optional
  const serial = kids[off];
  const issuer = kids[off + 2];
  if (!serial || serial.tag !== TAG.INTEGER || !issuer || issuer.tag !== TAG.SEQUENCE) throw new DerError('not an X.509 certificate');
  return { issuer: Buffer.from(issuer.raw), serial: Buffer.from(serial.raw) };
}

export interface SigningKey {
  privateKey: KeyObject;
  /** DER of the signing certificate. */
  certificate: Buffer;
  /** DER of every certificate to embed (the signing one first, then its chain). */
  certificates: Buffer[];
}

/**
 * Builds a detached SignedData over content whose SHA-256 is `contentDigest`. Signed attributes: content type,
 * signing time, message digest and ESS signing-certificate-v2 (which binds the certificate into the signature).
 */
export function buildDetachedCms(key: SigningKey, contentDigest: Buffer, signingTime: Date): Buffer {
  const keyType = key.privateKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') throw new Error(`unsupported sealing key type: ${keyType ?? 'unknown'}`);
  const sha256Alg = seq(oid(OID.sha256), nullValue());
  const ids = certificateIds(key.certificate);
  const certHash = createHash('sha256').update(key.certificate).digest();

  const attribute = (type: string, value: Buffer) => seq(oid(type), setOf(value));
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.signingTime, time(signingTime)),
    attribute(OID.messageDigest, octetString(contentDigest)),
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the default
    // hash algorithm (SHA-256) omitted, and the issuer/serial so the certificate is identified unambiguously.
    attribute(OID.signingCertificateV2, seq(seq(seq(octetString(certHash), seq(seq(tlv(0xa4, ids.issuer)), ids.serial))))),
  ];
  const signedAttrsSet = setOf(...attrs);
  // What is signed is the SET OF encoding; what is stored is the same content under [0] IMPLICIT.
  const signedAttrs = Buffer.concat([Buffer.from([TAG.CTX0]), signedAttrsSet.subarray(1)]);
  const signature = cryptoSign('sha256', signedAttrsSet, key.privateKey);
  const signatureAlg = keyType === 'rsa' ? seq(oid(OID.rsaEncryption), nullValue()) : seq(oid(OID.ecdsaWithSha256));

  const signerInfo = seq(
    smallInteger(1),
    seq(ids.issuer, ids.serial),
    sha256Alg,
    signedAttrs,
    signatureAlg,
    octetString(signature),
  );
  const signedData = seq(
    smallInteger(1),
    setOf(sha256Alg),
    seq(oid(OID.data)), // detached: no eContent
    tlv(TAG.CTX0, ...key.certificates), // [0] IMPLICIT SET OF Certificate
    setOf(signerInfo),
  );
  return seq(oid(OID.signedData), tlv(TAG.CTX0, signedData));
}

export interface ParsedSignerInfo {
  sid: CertificateIds;
  digestAlgorithm: string;
  /** The signed attributes re-tagged as SET OF: the exact bytes the signature covers. */
  signedAttrsForVerify: Buffer;
  attributes: Map<string, Tlv[]>;
  signatureAlgorithm: string;
  signature: Buffer;
}

export interface ParsedCms {
  certificates: Buffer[];
  signer: ParsedSignerInfo;
}

/** Parses a SignedData (trailing zero padding, as in a PDF /Contents, is ignored). Throws DerError when malformed. */
export function parseCms(bytes: Buffer): ParsedCms {
  const ci = readTlv(bytes);
  if (ci.tag !== TAG.SEQUENCE) throw new DerError('ContentInfo is not a SEQUENCE');
  const type = child(ci, 0, TAG.OID);
  if (decodeOid(type.content) !== OID.signedData) throw new DerError('not a SignedData');
  const sd = child(child(ci, 1, TAG.CTX0), 0, TAG.SEQUENCE);
  const parts = children(sd);
  const certificates: Buffer[] = [];
  let signerInfos: Tlv | undefined;
  for (const p of parts.slice(3)) {
    if (p.tag === TAG.CTX0) for (const c of children(p)) if (c.tag === TAG.SEQUENCE) certificates.push(Buffer.from(c.raw));
    if (p.tag === TAG.SET) signerInfos = p;
  }
  if (!signerInfos) throw new DerError('no signerInfos');
  const si = children(signerInfos)[0];
  if (!si || si.tag !== TAG.SEQUENCE) throw new DerError('no SignerInfo');
  const f = children(si);
  const sidEl = f[1];
  if (!sidEl || sidEl.tag !== TAG.SEQUENCE) throw new DerError('SignerInfo identifies its certificate by key id: not supported');
  const sid = { issuer: Buffer.from(child(sidEl, 0, TAG.SEQUENCE).raw), serial: Buffer.from(child(sidEl, 1, TAG.INTEGER).raw) };
  const digestAlgorithm = decodeOid(child(f[2] ?? fail('digestAlgorithm'), 0, TAG.OID).content);
  const attrsEl = f[3];
  if (!attrsEl || attrsEl.tag !== TAG.CTX0) throw new DerError('no signed attributes');
  const attributes = new Map<string, Tlv[]>();
  for (const a of children(attrsEl)) {
    attributes.set(decodeOid(child(a, 0, TAG.OID).content), children(child(a, 1, TAG.SET)));
  }
  const signedAttrsForVerify = Buffer.from(attrsEl.raw);
  signedAttrsForVerify[0] = TAG.SET;
  const signatureAlgorithm = decodeOid(child(f[4] ?? fail('signatureAlgorithm'), 0, TAG.OID).content);
  const sigEl = f[5];
  if (!sigEl || sigEl.tag !== TAG.OCTET_STRING) throw new DerError('no signature value');
  return {
    certificates,
    signer: { sid, digestAlgorithm, signedAttrsForVerify, attributes, signatureAlgorithm, signature: Buffer.from(sigEl.content) },
  };
}

function fail(what: string): never {
  throw new DerError(`missing ${what}`);
}

/** The messageDigest signed attribute's value. */
export function messageDigestOf(si: ParsedSignerInfo): Buffer | undefined {
  const v = si.attributes.get(OID.messageDigest)?.[0];
  return v && v.tag === TAG.OCTET_STRING ? Buffer.from(v.content) : undefined;
}

export function signingTimeOf(si: ParsedSignerInfo): Date | undefined {
  const v = si.attributes.get(OID.signingTime)?.[0];
  return v ? decodeTime(v) : undefined;
}
