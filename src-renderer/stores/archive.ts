import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { AppError, ArchiveDelivery, ArchiveEntry, ArchiveFilters, ArchiveStatistics } from '../../shared/contract';
import { matchesArchiveFilters, rangeProblem, shiftDay } from '../../shared/domain/archive-query';
import { todayIn } from '../../shared/domain/dates';
import { deskApi } from '../api';
import { saveFile } from '../downloads';

/**
 * The archive over time: the range of days (the same for the list and the statistics),
 * what narrows the list (search and filters, applied here as one types, and by the core
 * to the CSV with the same rule), the entries, the office's statistics.
 */
export const useArchiveStore = defineStore('archive', () => {
  const from = ref(todayIn());
  const to = ref(todayIn());
  const text = ref('');
  const operatorId = ref('all');
  const outcome = ref<'all' | 'confirmed' | 'refused'>('all');
  const delivery = ref<'all' | ArchiveDelivery>('all');
  const entries = ref<ArchiveEntry[]>([]);
  const error = ref<AppError | null>(null);
  const statistics = ref<ArchiveStatistics | null>(null);
  /** Both date fields read, and say the range held here (none is half typed or impossible). */
  const rangeTyped = ref(true);

  /** A range the wrong way round or over a year: said beside the fields, never asked. */
  const rangeError = computed(() => rangeProblem(from.value, to.value));
  const oneDay = computed(() => from.value === to.value);

  /** The last `days` days, today included. */
  function lastDays(days: number) {
    to.value = todayIn();
    from.value = shiftDay(to.value, 1 - days);
  }

  const filters = computed((): ArchiveFilters => ({
    ...(text.value.trim() ? { text: text.value.trim() } : {}),
    ...(operatorId.value !== 'all' ? { operatorId: operatorId.value } : {}),
    ...(outcome.value !== 'all' ? { outcome: outcome.value } : {}),
    ...(delivery.value !== 'all' ? { delivery: delivery.value } : {}),
  }));
  const shown = computed(() => entries.value.filter((entry) => matchesArchiveFilters(entry, filters.value)));
  /** The operators of the range's entries, by name. */
  const operators = computed(() =>
    [...new Map(entries.value.map((entry) => [entry.operatorId, entry.operatorName])).entries()].sort(([, a], [, b]) =>
      a.localeCompare(b, 'it'),
    ),
  );

  /** Counts the loads asked: an answer for a range changed since is dropped. */
  let asked = 0;
  async function load() {
    const mine = ++asked;
    if (rangeError.value) {
      entries.value = [];
      error.value = null;
      return;
    }
    const result = await deskApi().call('identifications.list', { from: from.value, to: to.value });
    if (mine !== asked) return;
    error.value = result.ok ? null : result.error;
    entries.value = result.ok ? result.value : [];
  }

  async function loadStatistics() {
    const mine = ++asked;
    if (rangeError.value) {
      statistics.value = null;
      return;
    }
    const result = await deskApi().call('identifications.statistics', { from: from.value, to: to.value });
    if (mine !== asked) return;
    error.value = result.ok ? null : result.error;
    statistics.value = result.ok ? result.value : null;
  }

  /** The CSV of what the list shows (the range, narrowed as on the screen). */
  async function exportCsv() {
    const result = await deskApi().call('identifications.exportCsv', { from: from.value, to: to.value, filters: filters.value });
    if (result.ok) saveFile(new Blob([result.value.content], { type: 'text/csv;charset=utf-8' }), result.value.fileName);
    else error.value = result.error;
  }

  /** Applicants' data belong to who looked: gone at a sign-out or a lock, and the next person starts from today, unfiltered. */
  function clear() {
    asked++;
    entries.value = [];
    statistics.value = null;
    error.value = null;
    from.value = todayIn();
    to.value = todayIn();
    text.value = '';
    operatorId.value = 'all';
    outcome.value = 'all';
    delivery.value = 'all';
  }

  // A new range drops what narrowed the old one to an operator no longer in it.
  watch(operators, (list) => {
    if (operatorId.value !== 'all' && !list.some(([id]) => id === operatorId.value)) operatorId.value = 'all';
  });

  return {
    from,
    to,
    text,
    operatorId,
    outcome,
    delivery,
    entries,
    error,
    statistics,
    rangeError,
    rangeTyped,
    oneDay,
    shown,
    operators,
    filters,
    lastDays,
    load,
    loadStatistics,
    exportCsv,
    clear,
  };
});
