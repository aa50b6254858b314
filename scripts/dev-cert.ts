// tsx scripts/dev-cert.ts <out.p12> [passphrase] — writes a self-signed development sealing certificate
// (RSA 2048, CN "CHAIn development seal (NOT FOR OFFICIAL USE)", 10 years) unless the file already exists.
import { createSealer, DEV_CERT_PASSPHRASE, ensureDevCertificate } from '../activities/pdf/index.js';
import { readFile } from 'node:fs/promises';

const [out, passphrase = DEV_CERT_PASSPHRASE] = process.argv.slice(2);
if (!out) {
  console.error('usage: tsx scripts/dev-cert.ts <out.p12> [passphrase]');
  process.exit(64);
}
const { created } = await ensureDevCertificate(out, passphrase);
try {
  const { certificate } = createSealer({ p12: await readFile(out), passphrase, development: true });
  console.log(`${created ? 'Created' : 'Kept existing'} ${out}: ${certificate.subject}, SHA-256 ${certificate.fingerprintSha256}, valid to ${certificate.validTo}`);
} catch (e) {
  console.error(`${out} exists but cannot be read with this passphrase: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
