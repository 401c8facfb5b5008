import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { LocalStore } from '../db/database';
import { syncState } from '../db/schema';

export type SyncStateKey = 'cursor' | 'refetchCursor' | 'refetching' | 'clientId' | 'lastPullAt' | 'lastPushAt' | 'serverClockOffsetMs';

/** Key/value sync state (cursor, client id, last pull/push, server clock offset). */
export class SyncStateRepository {
  constructor(private readonly store: LocalStore) {}

  get(key: SyncStateKey): string | null {
    return this.store.orm.select({ value: syncState.value }).from(syncState).where(eq(syncState.key, key)).get()?.value ?? null;
  }

  set(key: SyncStateKey, value: string | null): void {
    if (value === null) {
      this.store.orm.delete(syncState).where(eq(syncState.key, key)).run();
      return;
    }
    this.store.orm.insert(syncState).values({ key, value }).onConflictDoUpdate({ target: syncState.key, set: { value } }).run();
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
