// Self-signed development sealing certificates (PKCS#12). The key pair comes from node:crypto (milliseconds)
// rather than node-forge's pure-JS RSA key generation (seconds); forge then writes the certificate and the .p12.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile, access } from 'node:fs/promises';
import { dirname } from 'node:path';
import forge from 'node-forge';

export const DEV_CERT_COMMON_NAME = 'CHAIn development seal (NOT FOR OFFICIAL USE)';
export const DEV_CERT_PASSPHRASE = 'chain-dev';

export interface DevCertificateOptions {
  passphrase?: string;
  commonName?: string;
  organization?: string;
  /** Validity in years from `notBefore` (default 10). */
  years?: number;
  /** Start of validity (default: now, less a minute for clock skew). */
  notBefore?: Date;
  /** RSA modulus length (default 2048). */
  modulusLength?: number;
}

/** Creates a self-signed RSA certificate and key as PKCS#12 (DER bytes). */
export function createDevCertificateP12(options: DevCertificateOptions = {}): Buffer {
  const passphrase = options.passphrase ?? DEV_CERT_PASSPHRASE;
  const { privateKey: privatePem, publicKey: publicPem } = generateKeyPairSync('rsa', {
    modulusLength: options.modulusLength ?? 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(privatePem);
  const publicKey = forge.pki.publicKeyFromPem(publicPem);

  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: 16 random bytes with the top bit cleared.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.years ?? 10));
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [
    { name: 'commonName', value: options.commonName ?? DEV_CERT_COMMON_NAME },
    { name: 'organizationName', value: options.organization ?? 'CHAIn' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());

  const p12 = forge.pkcs12.toPkcs12Asn1(privateKey, [cert], passphrase, {
    algorithm: '3des', // the PBE scheme every reader (OpenSSL 1.x/3.x, Windows, Java) accepts
    friendlyName: options.commonName ?? DEV_CERT_COMMON_NAME,
    generateLocalKeyId: true,
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/**
 * Writes a development certificate to `path` unless a file is already there (idempotent; creates the parent
 * directory). Returns whether it created one.
 */
export async function ensureDevCertificate(path: string, passphrase: string = DEV_CERT_PASSPHRASE): Promise<{ created: boolean }> {
  try {
    await access(path);
    return { created: false };
  } catch {
    // not there yet
  }
  await mkdir(dirname(path), { recursive: true });
  try {
    // 'wx': never overwrite a certificate another process has just written.
    await writeFile(path, createDevCertificateP12({ passphrase }), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { created: false };
    throw e;
  }
  return { created: true };
}
