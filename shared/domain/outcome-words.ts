import type { OutboxSyncState, OutcomeStatus } from '../contract/identification';

/**
 * Where an outcome stands, in Italian: the office's papers (CSV) and the screen's Italian
 * catalogue say it with the same words (the English ones are the renderer's).
 */
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
