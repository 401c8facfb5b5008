import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, LookupResult } from '../../shared/contract';
import { deskApi } from '../api';

/** The desk's last fiscal-code lookup. */
export const useLookupStore = defineStore('lookup', () => {
  const result = ref<LookupResult | null>(null);
  const error = ref<AppError | null>(null);
  const searching = ref(false);

  async function lookup(fiscalCode: string) {
    searching.value = true;
    error.value = null;
    const answer = await deskApi().call('requests.lookup', { fiscalCode });
    searching.value = false;
    if (answer.ok) result.value = answer.value;
    else {
      result.value = null;
      error.value = answer.error;
    }
  }

  /** What was looked up belongs to the moment and to who looked: gone after an outcome, a sign-out, a lock. */
  function clear() {
    result.value = null;
    error.value = null;
  }

  return { result, error, searching, lookup, clear };
});
