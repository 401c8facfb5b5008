import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, LookupResult } from '../../shared/contract';
import { deskApi } from '../api';

/** The desk's last fiscal-code lookup. */
export const useLookupStore = defineStore('lookup', () => {
  const result = ref<LookupResult | null>(null);
  const error = ref<AppError | null>(null);
  const searching = ref(false);
  /**
   * The code of the card a barcode reader read for this lookup (the tessera sanitaria or
   * the back of the CIE, in hand at the desk): the wizard takes it as the card step, done.
   * Null when the code was typed or pasted.
   */
  const cardRead = ref<string | null>(null);

  async function lookup(fiscalCode: string, options: { readFromCard?: boolean } = {}) {
    searching.value = true;
    error.value = null;
    cardRead.value = null;
    const answer = await deskApi().call('requests.lookup', { fiscalCode });
    searching.value = false;
    if (answer.ok) {
      result.value = answer.value;
      if (options.readFromCard) cardRead.value = answer.value.fiscalCode;
    } else {
      result.value = null;
      error.value = answer.error;
    }
  }

  /** What was looked up belongs to the moment and to who looked: gone after an outcome, a sign-out, a lock. */
  function clear() {
    result.value = null;
    error.value = null;
    cardRead.value = null;
  }

  return { result, error, searching, cardRead, lookup, clear };
});
