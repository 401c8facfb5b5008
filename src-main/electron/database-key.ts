import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import { loadOrCreateKeyFile, parseHexKey } from '../core/db/key';
import type { Logger } from '../core/log';

/**
 * The local store's key in Electron: 32 random bytes wrapped with `safeStorage`
 * (DPAPI on Windows, Keychain on macOS, the desktop keyring on Linux), as Signal Desktop
 * does. Where no OS encryption is available the key falls back to a 0600 key file, and
 * the log says so.
 */
export function electronDatabaseKey(safeStorage: SafeStorage, wrappedKeyPath: string, fallbackKeyPath: string, logger: Logger): Buffer {
  if (!safeStorage.isEncryptionAvailable()) {
    logger.warn('database-key.safe-storage-unavailable');
    return loadOrCreateKeyFile(fallbackKeyPath);
  }
  if (existsSync(wrappedKeyPath)) {
    return parseHexKey(safeStorage.decryptString(readFileSync(wrappedKeyPath)));
  }
  const key = randomBytes(32);
  writeFileSync(wrappedKeyPath, safeStorage.encryptString(key.toString('hex')), { mode: 0o600, flag: 'wx' });
  return key;
}
