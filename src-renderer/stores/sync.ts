import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, SyncProblem, SyncStatus } from '../../shared/contract';
import { deskApi } from '../api';

/** Sync status (pushed by main) and the problems list. */
export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus | null>(null);
  const problems = ref<SyncProblem[]>([]);
  const error = ref<AppError | null>(null);

  async function load() {
    const result = await deskApi().call('sync.status', {});
    if (result.ok) status.value = result.value;
  }

  async function loadProblems() {
    const result = await deskApi().call('sync.problems', {});
    error.value = result.ok ? null : result.error;
    if (result.ok) problems.value = result.value;
  }

  async function retry(opId: string) {
    const result = await deskApi().call('sync.retryNow', { opId });
    if (result.ok) status.value = result.value;
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
      if (event.name === 'sync.status') status.value = event.payload;
    });
  }

  return { status, problems, error, load, loadProblems, retry, markHandled, listen };
});
