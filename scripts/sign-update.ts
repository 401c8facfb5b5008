import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { basename } from 'node:path';
import { sha512OfFile, updateStatement } from '../src-main/electron/update-signature';

/**
 * Release step (#18, item 5): signs each Linux AppImage for the app's own check
 * (src-main/electron/update-signature.ts). The team's Ed25519 private key comes from the
 * environment (SPORTELLO_UPDATE_SIGNING_KEY, PEM; the release workflow's secret); its
 * public key goes in the release build as resources/update-signing-key.pem. Writes `<file>.sig`
 * (base64 of the signature of the statement of update-signature.ts: product, version from
 * package.json, file name, SHA-512), to publish beside the file in the feed.
 *
 *   SPORTELLO_UPDATE_SIGNING_KEY="$(cat key.pem)" npx tsx scripts/sign-update.ts dist/*.AppImage
 */
export async function signatureOf(file: string, version: string, privateKeyPem: string): Promise<string> {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the update signing key must be Ed25519');
  const statement = updateStatement({ version, fileName: basename(file), sha512: await sha512OfFile(file) });
  return sign(null, statement, key).toString('base64');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const privateKey = process.env.SPORTELLO_UPDATE_SIGNING_KEY;
  const files = process.argv.slice(2);
  if (!privateKey || files.length === 0) {
    console.error('usage: SPORTELLO_UPDATE_SIGNING_KEY=<Ed25519 PEM> tsx scripts/sign-update.ts <file.AppImage>...');
    process.exit(2);
  }
  // The version being released: the one the feed's latest-linux.yml announces.
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const file of files) {
    writeFileSync(`${file}.sig`, `${await signatureOf(file, version, privateKey)}\n`);
    console.log(`signed: ${file}.sig`);
  }
}
