import { randomUUID } from 'node:crypto';
import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

export type SyncStateKey =
  'cursor' | 'refetchCursor' | 'refetching' | 'clientId' | 'deviceKey' | 'lastPullAt' | 'lastPushAt' | 'serverClockOffsetMs';

/** Key/value sync state (cursor, client id, last pull/push, server clock offset). */
export class SyncStateRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
  }

  get(key: SyncStateKey): string | null {
    return (this.sql('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  set(key: SyncStateKey, value: string | null): void {
    if (value === null) this.sql('DELETE FROM sync_state WHERE key = ?').run(key);
    else
      this.sql('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** This installation's id, created once. */
  clientId(): string {
    let id = this.get('clientId');
    if (!id) {
      id = randomUUID();
      this.set('clientId', id);
    }
    return id;
  }
}
