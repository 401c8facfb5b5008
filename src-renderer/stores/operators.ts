import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, CreateOperatorRequest, ManagedOperator } from '../../shared/contract';
import { deskApi } from '../api';

/** The office's operators, as the central service has them (office administrators, online). */
export const useOperatorsStore = defineStore('operators', () => {
  const items = ref<ManagedOperator[]>([]);
  const loading = ref(false);
  const error = ref<AppError | null>(null);

  async function load() {
    loading.value = true;
    const result = await deskApi().call('operators.list', {});
    loading.value = false;
    error.value = result.ok ? null : result.error;
    items.value = result.ok ? result.value : [];
  }

  /** The new operator and the temporary password (shown once), or the error. */
  async function create(input: CreateOperatorRequest) {
    const result = await deskApi().call('operators.create', input);
    if (result.ok) items.value = [...items.value, result.value.operator].sort((a, b) => a.displayName.localeCompare(b.displayName, 'it'));
    return result;
  }

  async function update(operatorId: string, change: { canIdentify?: boolean; disabled?: boolean }) {
    const result = await deskApi().call('operators.update', { operatorId, ...change });
    if (result.ok) items.value = items.value.map((item) => (item.id === operatorId ? result.value : item));
    return result;
  }

  function clear() {
    items.value = [];
    error.value = null;
  }

  return { items, loading, error, load, create, update, clear };
});
