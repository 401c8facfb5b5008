import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Detached signatures of the Linux AppImage (electron-updater checks only a hash taken
 * from the same feed, which proves nothing against whoever controls the feed). The
 * release signs, with the team's Ed25519 key, a statement naming the product, the
 * version, the file's name and its SHA-512 (scripts/sign-update.ts: `<file>.sig`, base64);
 * the app checks it against the public key pinned in the package
 * (resources/update-signing-key.pem, beside app-update.yml) before installing. The version
 * is in what is signed: an old AppImage the team once signed cannot be served again as a
 * new version.
 */

export async function sha512OfFile(path: string): Promise<Buffer> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}

/** What the team signs for one file of one version. */
export function updateStatement(update: { version: string; fileName: string; sha512: Buffer }): Buffer {
  return Buffer.from(`sportello-identificazione update v1\n${update.version}\n${update.fileName}\n${update.sha512.toString('hex')}\n`);
}

/** Whether `signature` (base64, as the .sig file holds it) signs this statement for the pinned key. */
export function signatureMatches(statement: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const bytes = Buffer.from(signature.trim(), 'base64');
    return bytes.length === 64 && verify(null, statement, key, bytes);
  } catch {
    return false;
  }
}
