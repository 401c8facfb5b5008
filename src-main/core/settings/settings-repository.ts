import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

/**
 * What the `settings` table holds: the installation's stored settings, the last purge's
 * report, and the office whose data the store holds (bound at the first online sign-in).
 */
export type SettingKey = 'retentionDays' | 'idleLockMinutes' | 'offlineSignInDays' | 'lastPurge' | 'office' | 'privacyContacts';

export class SettingsRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
  }

  get(key: SettingKey): string | null {
    return (this.sql('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  set(key: SettingKey, value: string): void {
    this.sql('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
