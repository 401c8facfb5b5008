import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import { loadOrCreateKeyFile, parseHexKey } from '../core/store/key';
import type { Logger } from '../core/log';

/**
 * The local store's key in Electron: 32 random bytes wrapped with `safeStorage`
 * (DPAPI on Windows, Keychain on macOS, the desktop keyring on Linux), as Signal Desktop
 * does. Where no OS encryption is available the key falls back to a 0600 key file, and
 * the log says so.
 */
export function electronDatabaseKey(
  safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>,
  wrappedKeyPath: string,
  fallbackKeyPath: string,
  logger: Logger,
  platform: NodeJS.Platform = process.platform,
): Buffer {
  if (!safeStorage.isEncryptionAvailable()) {
    logger.warn('database-key.safe-storage-unavailable');
    return loadOrCreateKeyFile(fallbackKeyPath);
  }
  // Linux without a desktop keyring: Chromium wraps with a fixed password ("basic_text"),
  // which protects nothing; say so (docs/it-admin.md: install a keyring, libsecret).
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    logger.warn('database-key.weak-os-storage', { backend: 'basic_text' });
  }
  if (existsSync(wrappedKeyPath)) {
    return parseHexKey(safeStorage.decryptString(readFileSync(wrappedKeyPath)));
  }
  const key = randomBytes(32);
  writeFileSync(wrappedKeyPath, safeStorage.encryptString(key.toString('hex')), { mode: 0o600, flag: 'wx' });
  return key;
}
