import type { OutboxSyncState, OutcomeStatus } from '../../../shared/contract/identification';

/** The words the office's papers (CSV, register) use for where an outcome stands (Italian: they are the school's records). */
export const outcomeStatusWords: Record<OutcomeStatus, string> = {
  accepted: 'Confermata e accettata',
  queued: 'Confermata, in coda di invio',
  'not-accepted': 'Conferma non accettata',
  refused: 'Rifiutata allo sportello',
};

export const syncStateWords: Record<OutboxSyncState, string> = {
  pending: 'In coda',
  sending: 'In invio',
  retry_wait: 'In coda',
  acked: 'Inviata',
  conflict: 'Non accettata',
  dead: 'Non inviabile',
};
