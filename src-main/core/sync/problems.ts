import type { ConflictCode } from '../../../shared/contract/central-api';
import type { SyncProblem } from '../../../shared/contract/sync';
import type { IdentificationRow } from '../identification/identifications-repository';
import type { CentralFailure } from './central-client';
import type { OutboxEntry } from './outbox-repository';

/** The Italian words of sync: why an outcome was not accepted, and what the last failure was. */

export const conflictReasons: Record<ConflictCode, string> = {
  'already-enabled':
    'Il richiedente risultava già abilitato quando la conferma è arrivata al servizio centrale: nessuna azione necessaria sulla richiesta.',
  'request-annulled':
    'La richiesta è stata annullata sul servizio centrale prima che la conferma arrivasse: il richiedente deve presentare una nuova richiesta.',
  'request-expired':
    'La richiesta era scaduta quando la conferma è arrivata al servizio centrale: il richiedente deve presentarne una nuova.',
  'code-not-confirmed':
    'Il richiedente non aveva ancora confermato il codice personale temporaneo: deve farlo online, poi va identificato di nuovo.',
  'identification-not-required': 'Per questa richiesta il servizio centrale non richiede l’identificazione in presenza.',
  'stale-version':
    'La richiesta è cambiata sul servizio centrale dopo i controlli allo sportello (ad esempio il documento dichiarato): ricontrollarla e ripetere l’identificazione.',
};

/** Why an outcome can never be sent (the row is `dead`). */
export type DeadCode =
  'request-not-found' | 'idempotency-key-reused' | 'payload-corrupt' | 'rejected' | 'not-permitted' | 'identity-mismatch';

const deadReasons: Record<DeadCode, string> = {
  'request-not-found': 'Il servizio centrale non conosce questa richiesta.',
  'idempotency-key-reused': 'Il servizio centrale ha già ricevuto un esito diverso con lo stesso identificativo: contattare l’assistenza.',
  'payload-corrupt': 'I dati dell’esito salvati sul computer risultano alterati: non sono stati inviati. Contattare l’assistenza.',
  rejected: 'Il servizio centrale ha rifiutato i dati dell’esito come non validi.',
  'not-permitted':
    'Il servizio centrale non ha accettato l’esito: l’account che lo ha registrato non è (più) abilitato a identificare. Far ripetere l’identificazione da un operatore abilitato.',
  'identity-mismatch':
    'Il servizio centrale non ha accettato l’esito: è stato inviato con l’accesso di un operatore, un ufficio o un computer diversi da chi lo ha registrato. Contattare l’assistenza.',
};

export const sessionExpiredForQueue = 'Sessione scaduta: accedere di nuovo per inviare gli esiti in coda.';
export const pullRefusedRepeatedly = 'Il servizio centrale rifiuta ripetutamente la sincronizzazione: riprovare più tardi.';

export function describeFailure(failure: CentralFailure): string {
  switch (failure.kind) {
    case 'network':
      return 'Servizio centrale non raggiungibile.';
    case 'invalid-response':
      return `Risposta del servizio centrale non leggibile (HTTP ${failure.status}).`;
    case 'http':
      if (failure.status === 429) return 'Il servizio centrale chiede di riprovare più tardi (troppe richieste).';
      if (failure.status >= 500) return `Errore temporaneo del servizio centrale (HTTP ${failure.status}).`;
      if (failure.status === 401) return 'Sessione scaduta: accedere di nuovo.';
      return `Il servizio centrale ha risposto con un errore (HTTP ${failure.status}, ${failure.code}).`;
  }
}

/** Why an outcome was not accepted, in plain Italian (null while it is not a problem). */
export function notAcceptedReason(delivery: { syncState: string; problemCode: string | null; lastError: string | null }): string | null {
  const code = delivery.problemCode ?? 'unknown';
  if (delivery.syncState === 'conflict') return conflictReasons[code as ConflictCode] ?? code;
  if (delivery.syncState === 'dead') return deadReasons[code as DeadCode] ?? delivery.lastError ?? code;
  return null;
}

/** A conflict or dead outbox row as the Problems screen shows it. */
export function describeProblem(entry: OutboxEntry, identification: IdentificationRow | null): SyncProblem {
  const code = entry.problemCode ?? 'unknown';
  const reason = notAcceptedReason({ syncState: entry.state, problemCode: entry.problemCode, lastError: entry.lastError }) ?? code;
  return {
    opId: entry.opId,
    identificationId: entry.identificationId,
    requestId: identification?.requestId ?? '',
    fiscalCode: identification?.fiscalCode ?? '',
    outcome: identification?.outcome ?? 'confirmed',
    state: entry.state === 'conflict' ? 'conflict' : 'dead',
    code,
    reason,
    lastError: entry.lastError,
    attempts: entry.attempts,
    createdAt: identification?.createdAt ?? entry.updatedAt,
    updatedAt: entry.updatedAt,
    retryable: entry.state === 'dead',
  };
}
