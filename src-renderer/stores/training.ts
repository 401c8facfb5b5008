import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, TrainingExercise } from '../../shared/contract';
import { deskApi } from '../api';

/** Training mode's exercises (#17, item 2): the practice cases, and the outage simulated on purpose. */
export const useTrainingStore = defineStore('training', () => {
  const items = ref<TrainingExercise[]>([]);
  const outage = ref(false);
  const error = ref<AppError | null>(null);
  const busy = ref(false);

  function take(answer: { ok: true; value: { items: TrainingExercise[]; outage: boolean } } | { ok: false; error: AppError }) {
    busy.value = false;
    error.value = answer.ok ? null : answer.error;
    if (answer.ok) {
      items.value = answer.value.items;
      outage.value = answer.value.outage;
    }
  }

  async function load() {
    busy.value = true;
    take(await deskApi().call('training.exercises', {}));
  }

  /** Every case as new again (one done is awaiting identification again). */
  async function reset() {
    busy.value = true;
    take(await deskApi().call('training.reset', {}));
  }

  async function setOutage(on: boolean) {
    busy.value = true;
    take(await deskApi().call('training.outage', { on }));
  }

  return { items, outage, error, busy, load, reset, setOutage };
});
