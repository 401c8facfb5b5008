import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent, SyncStatus } from '../../../shared/contract';

/**
 * The renderer's sync status comes two ways: answers to `sync.status` calls and the events
 * main pushes. They travel apart (the browser host: an RPC and an event stream), so an answer
 * asked before a change can land after the event that told of it (seen once in the e2e suite:
 * the desk said the copy was never downloaded, right after the sign-in's pull had brought it).
 */
const calls: Array<{ operation: string; answer: (value: SyncStatus) => void }> = [];
const listeners = new Set<(event: AppEvent) => void>();
vi.mock('../../../src-renderer/api', () => ({
  deskApi: () => ({
    call: (operation: string) => new Promise((resolve) => calls.push({ operation, answer: (value) => resolve({ ok: true, value }) })),
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  }),
}));
const { useSyncStore } = await import('../../../src-renderer/stores/sync');

const status = (lastPullAt: string | null): SyncStatus => ({
  online: true,
  pending: 0,
  problems: 0,
  lastSuccessAt: null,
  lastPullAt,
  lastPushAt: null,
  needsSignIn: false,
  lastError: null,
  cachedRequests: lastPullAt ? 300 : 0,
  awaitingOtherOperators: 0,
  pullReceived: null,
});
const publish = (payload: SyncStatus) => listeners.forEach((listener) => listener({ name: 'sync.status', payload }));

describe('the sync store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    calls.length = 0;
    listeners.clear();
  });

  it('an answer asked before an event does not overwrite it when it lands after', async () => {
    const store = useSyncStore();
    store.listen();
    const loading = store.load();
    const pulled = status('2026-12-01T10:00:00.000Z');
    publish(pulled);
    calls.find((call) => call.operation === 'sync.status')!.answer(status(null));
    await loading;
    expect(store.status).toEqual(pulled);
  });

  it('an answer with no event since it was asked is taken', async () => {
    const store = useSyncStore();
    store.listen();
    publish(status(null));
    const loading = store.load();
    const now = status('2026-12-01T10:00:00.000Z');
    calls[0]!.answer(now);
    await loading;
    expect(store.status).toEqual(now);
  });

  it('a retry’s answer, too, gives way to an event that came after it was asked', async () => {
    const store = useSyncStore();
    store.listen();
    const retrying = store.retry('op-1');
    const later = status('2026-12-01T10:00:00.000Z');
    publish(later);
    calls.find((call) => call.operation === 'sync.retryNow')!.answer(status(null));
    await Promise.resolve();
    // (retry then loads the problems list: answered empty.)
    await vi.waitFor(() => expect(calls.some((call) => call.operation === 'sync.problems')).toBe(true));
    calls.find((call) => call.operation === 'sync.problems')!.answer([] as unknown as SyncStatus);
    await retrying;
    expect(store.status).toEqual(later);
  });
});
