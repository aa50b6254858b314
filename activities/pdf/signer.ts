// The sealer: reads the PKCS#12 once per process (node-forge; decrypting a .p12 is the slow part) and then seals
// any number of PDFs with a detached CMS signature (SHA-256) through @signpdf. @signpdf's own P12Signer re-parses
// the .p12 on every signature and cannot be reused, so the signer below is built once from the parsed key.
import { DEV_CERT_COMMON_NAME } from './dev-cert.js';
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';
import signpdfCjs, { Signer } from '@signpdf/signpdf';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { buildDetachedCms, type SigningKey } from './cms.js';

// @signpdf is CommonJS: from Node's ESM its default instance sits under `.default` (see RECIPES.md); bundlers
// that apply the __esModule interop (vitest) hand over the instance itself.
type SignPdf = typeof signpdfCjs.default;
const signpdf: SignPdf = (signpdfCjs as unknown as { default?: SignPdf }).default ?? (signpdfCjs as unknown as SignPdf);

export type SealErrorCode = 'p12_unreadable' | 'bad_passphrase' | 'no_private_key' | 'no_matching_certificate' | 'unsupported_key' | 'not_pdf';

/** Configuration or input errors of the sealer: retrying does not help (map to a non-retryable failure). */
export class SealError extends Error {
  constructor(
    readonly code: SealErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SealError';
  }
}

export interface SealCertificate {
  /** RFC 4514-like, e.g. "CN=CHAIn development seal (NOT FOR OFFICIAL USE), O=CHAIn". */
  subject: string;
  issuer: string;
  /** Lowercase hex SHA-256 of the certificate's DER, no separators. */
  fingerprintSha256: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
}

export interface SealOptions {
  /** Why the document is sealed, e.g. "Decision on case STR-2026-0042". */
  reason: string;
  location?: string;
  /** Signer name shown by PDF viewers; defaults to the certificate's CN. */
  name?: string;
  contactInfo?: string;
  /** Signing time in the PDF and the CMS; pass the decision's sealedAt for byte-identical re-seals. Default: now. */
  signingTime?: Date;
}

export interface Sealer {
  readonly certificate: SealCertificate;
  readonly development: boolean;
  /** Seals finished PDF bytes (loads them with pdf-lib, adds the signature field, signs). */
  seal(pdf: Uint8Array, opts: SealOptions): Promise<Uint8Array>;
  /** Seals a pdf-lib document still in memory: saves it once with the placeholder, then signs (faster). */
  sealDocument(doc: PDFDocument, opts: SealOptions): Promise<Uint8Array>;
}

export interface CreateSealerOptions {
  p12: Buffer | Uint8Array;
  passphrase: string;
  /** True when the certificate is a development one: documents then carry a visible "not for official use". */
  development: boolean;
}

/** One signer per signature (cheap): @signpdf calls `sign` with the bytes to be covered. */
class CmsSigner extends Signer {
  constructor(
    private readonly key: SigningKey,
    private readonly defaultTime: Date,
  ) {
    super();
  }
  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const digest = createHash('sha256').update(pdfBuffer).digest();
    return buildDetachedCms(this.key, digest, signingTime ?? this.defaultTime);
  }
}

const binary = (b: Buffer | Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('binary');

function readP12(p12: Buffer | Uint8Array, passphrase: string): SigningKey {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(binary(p12));
    parsed = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/password|MAC/i.test(msg)) throw new SealError('bad_passphrase', `The PKCS#12 passphrase is wrong (${msg}).`);
    throw new SealError('p12_unreadable', `The PKCS#12 file cannot be read: ${msg}`);
  }
  type Bag = forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };
  const bagsOf = (type: string): Bag[] => (parsed.getBags({ bagType: type })[type] ?? []) as Bag[];

  const keyBag = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(forge.pki.oids.keyBag!)][0];
  if (!keyBag) throw new SealError('no_private_key', 'The PKCS#12 file holds no private key.');
  let privateKey: KeyObject;
  try {
    // forge decodes RSA keys; other key types (EC) come back as the raw PrivateKeyInfo, which node reads.
    privateKey = keyBag.key
      ? createPrivateKey(forge.pki.privateKeyToPem(keyBag.key))
      : createPrivateKey({ key: Buffer.from(forge.asn1.toDer(keyBag.asn1!).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new SealError('unsupported_key', `The private key cannot be used: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' && privateKey.asymmetricKeyType !== 'ec') {
    throw new SealError('unsupported_key', `Sealing keys must be RSA or EC, not ${privateKey.asymmetricKeyType ?? 'unknown'}.`);
  }

  const certs = bagsOf(forge.pki.oids.certBag!).map((bag) => {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1!;
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  });
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  const publicDer = spki(createPublicKey(privateKey));
  const signing = certs.find((der) => spki(new X509Certificate(der).publicKey).equals(publicDer));
  if (!signing) throw new SealError('no_matching_certificate', 'No certificate in the PKCS#12 file matches its private key.');
  return { privateKey, certificate: signing, certificates: [signing, ...certs.filter((c) => c !== signing)] };
}

/** "CN=a\nO=b" (node's form) → "CN=a, O=b". */
const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

export function describeCertificate(der: Buffer): SealCertificate {
  const x = new X509Certificate(der);
  return {
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    serialNumber: x.serialNumber,
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
  };
}

/** Normalises a fingerprint as people paste it ("AB:CD:…", spaces, upper case) to lowercase hex. */
export const normaliseFingerprint = (fp: string) => fp.replace(/[^0-9a-fA-F]/g, '').toLowerCase();

export function createSealer(options: CreateSealerOptions): Sealer {
  const key = readP12(options.p12, options.passphrase);
  const certificate = describeCertificate(key.certificate);
  const commonName = /(?:^|, )CN=([^,]+)/.exec(certificate.subject)?.[1] ?? 'CHAIn seal';
  // Room for the CMS: the certificates, a signature of up to 4096-bit RSA, the attributes. The placeholder's
  // `signatureLength` counts hex digits, two per byte.
  const signatureLength = 2 * (key.certificates.reduce((n, c) => n + c.length, 0) + 2048);

  async function sealDocument(doc: PDFDocument, opts: SealOptions): Promise<Uint8Array> {
    const signingTime = opts.signingTime ?? new Date();
    pdflibAddPlaceholder({
      pdfDoc: doc,
      reason: opts.reason,
      contactInfo: opts.contactInfo ?? '',
      name: opts.name ?? commonName,
      location: opts.location ?? '',
      signingTime,
      signatureLength,
      appName: 'CHAIn approvals',
    });
    // No object streams: the signature dictionary and the Info dictionary stay readable as plain objects.
    const withPlaceholder = await doc.save({ useObjectStreams: false });
    const signed = await signpdf.sign(Buffer.from(withPlaceholder.buffer, withPlaceholder.byteOffset, withPlaceholder.byteLength), new CmsSigner(key, signingTime), signingTime);
    return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
  }

  return {
    certificate,
    // One of our development certificates (scripts/dev-cert.ts) seals as one, however it was configured.
    development: options.development || certificate.subject.includes(DEV_CERT_COMMON_NAME),
    sealDocument,
    async seal(pdf, opts) {
      let doc: PDFDocument;
      try {
        doc = await PDFDocument.load(pdf, { updateMetadata: false });
      } catch (e) {
        throw new SealError('not_pdf', `Cannot seal: the input is not a readable PDF (${e instanceof Error ? e.message : String(e)}).`);
      }
      return sealDocument(doc, opts);
    },
  };
}

/** Reads a .p12 file and creates the process's sealer (do it once at worker start). */
export async function loadSealerFromFile(path: string, passphrase: string, development: boolean): Promise<Sealer> {
  return createSealer({ p12: await readFile(path), passphrase, development });
}
