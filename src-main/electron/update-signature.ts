import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Detached signatures of the Linux AppImage (electron-updater checks only a hash taken
 * from the same feed, which proves nothing against whoever controls the feed). The
 * release signs the SHA-512 of the AppImage with the team's Ed25519 key
 * (scripts/sign-update.ts: `<file>.sig`, base64); the app checks it against the public key
 * pinned in the package (resources/update-signing-key.pem, beside app-update.yml) before installing.
 */

export async function sha512OfFile(path: string): Promise<Buffer> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}

/** Whether `signature` (base64, as the .sig file holds it) signs this digest for the pinned key. */
export function signatureMatches(digest: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const bytes = Buffer.from(signature.trim(), 'base64');
    return bytes.length === 64 && verify(null, digest, key, bytes);
  } catch {
    return false;
  }
}
