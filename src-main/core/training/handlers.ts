import type { HandlersOf } from '../rpc/dispatcher';
import type { TrainingExercises } from './training';

export function trainingHandlers(training: TrainingExercises): HandlersOf<'training.exercises' | 'training.reset' | 'training.outage'> {
  return {
    'training.exercises': () => training.list(),
    'training.reset': () => training.reset(),
    'training.outage': ({ on }) => training.outage(on),
  };
}
