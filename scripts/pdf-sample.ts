// npm run pdf:sample -- <out.pdf> [--khmer] — renders and seals a sample decision (RUPP's internationalisation
// strategy, approved by MoEYS; with --khmer its title and the IRO's comment are in Khmer). Seals with SIGNING_P12_PATH / SIGNING_P12_PASSPHRASE, or with the development certificate
// DATA_DIR/dev-signing.p12, created when missing.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDevCertificate, loadSealerFromFile, sealDecision, verifySealedPdf } from '../activities/pdf/index.js';
import { sampleDecision, sampleKhmerDecision } from '../activities/pdf/sample-decision.js';
import { commonEnv, loadEnvOrExit } from '../lib/env.js';

const args = process.argv.slice(2);
const khmer = args.includes('--khmer');
const out = args.find((a) => !a.startsWith('--'));
if (!out || args.some((a) => a.startsWith('--') && a !== '--khmer')) {
  console.error('usage: npm run pdf:sample -- <out.pdf> [--khmer]');
  process.exit(64);
}
const env = loadEnvOrExit(commonEnv);
const p12Path = env.SIGNING_P12_PATH ?? path.resolve(env.DATA_DIR, 'dev-signing.p12');
if (!env.SIGNING_P12_PATH) {
  const { created } = await ensureDevCertificate(p12Path, env.SIGNING_P12_PASSPHRASE);
  if (created) console.log(`Created development certificate ${p12Path}`);
}
// A configured certificate is official unless it is one of our development certificates (createSealer sees that).
const sealer = await loadSealerFromFile(p12Path, env.SIGNING_P12_PASSPHRASE, !env.SIGNING_P12_PATH);
const development = sealer.development;

const started = performance.now();
const sample = khmer ? sampleKhmerDecision : sampleDecision;
const sealed = await sealDecision(sample({ sealedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }), sealer, { location: 'Phnom Penh, Cambodia' });
const ms = performance.now() - started;
await writeFile(out, sealed.pdf);
const check = verifySealedPdf(sealed.pdf, [sealer.certificate]);
console.log(`Wrote ${out} (${sealed.pdf.byteLength} bytes, ${ms.toFixed(0)} ms), SHA-256 ${sealed.sha256}`);
console.log(`Sealed by ${sealer.certificate.subject} (${development ? 'development' : 'official'} certificate)`);
console.log(`Self-check: ${check.ok ? 'seal valid' : `FAILED (${check.reason})`}; carries ${JSON.stringify(check.decision)}`);
process.exit(check.ok ? 0 : 1);
