import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, Result, SyncProblem, SyncStatus } from '../../shared/contract';
import { deskApi } from '../api';

/** Sync status (pushed by main) and the problems list. */
export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus | null>(null);
  const problems = ref<SyncProblem[]>([]);
  const error = ref<AppError | null>(null);
  /**
   * Events received so far. An answer and the events travel apart (the browser host: a call
   * and a stream), so an answer asked before a change can land after the event that told of
   * it; main publishes the status after every change, so an event that came after the call
   * was asked is at least as fresh, and the answer gives way to it.
   */
  let eventsSeen = 0;
  const answered = async (call: Promise<Result<SyncStatus>>): Promise<Result<SyncStatus>> => {
    const asked = eventsSeen;
    const result = await call;
    if (result.ok && eventsSeen === asked) status.value = result.value;
    return result;
  };

  async function load() {
    await answered(deskApi().call('sync.status', {}));
  }

  async function loadProblems() {
    const result = await deskApi().call('sync.problems', {});
    error.value = result.ok ? null : result.error;
    if (result.ok) problems.value = result.value;
  }

  async function retry(opId: string) {
    await answered(deskApi().call('sync.retryNow', { opId }));
    await loadProblems();
  }

  async function markHandled(opId: string, note: string): Promise<AppError | null> {
    const result = await deskApi().call('sync.markHandled', { opId, note });
    if (!result.ok) return result.error;
    problems.value = result.value;
    await load();
    return null;
  }

  function listen() {
    return deskApi().onEvent((event) => {
      if (event.name !== 'sync.status') return;
      eventsSeen++;
      status.value = event.payload;
    });
  }

  return { status, problems, error, load, loadProblems, retry, markHandled, listen };
});
