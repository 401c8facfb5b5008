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
   * The code as a barcode reader read it off the card in hand for this lookup (the
   * tessera sanitaria or the back of the CIE), not the canonical code the lookup answers
   * with (an omocodia variant is another person's card): the wizard of the applicant with
   * exactly this code takes it as the card step, done. Null when the code was typed or pasted.
   */
  const cardRead = ref<string | null>(null);
  /** Counts the lookups asked: the answer to one asked before the last is dropped. */
  let asked = 0;

  async function lookup(fiscalCode: string, options: { readFromCard?: boolean } = {}) {
    const mine = ++asked;
    searching.value = true;
    error.value = null;
    cardRead.value = null;
    const answer = await deskApi().call('requests.lookup', { fiscalCode });
    if (mine !== asked) return;
    searching.value = false;
    if (answer.ok) {
      result.value = answer.value;
      if (options.readFromCard) cardRead.value = fiscalCode;
    } else {
      result.value = null;
      error.value = answer.error;
    }
  }

  /** What was looked up belongs to the moment and to who looked: gone after an outcome, a sign-out, a lock. */
  function clear() {
    asked++;
    searching.value = false;
    result.value = null;
    error.value = null;
    cardRead.value = null;
  }

  return { result, error, searching, cardRead, lookup, clear };
});
