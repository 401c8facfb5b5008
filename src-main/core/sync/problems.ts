import { conflictCodeSchema, type ConflictCode } from '../../../shared/contract/central-api';
import { italian, type Message } from '../../../shared/i18n/messages';
import type { SyncProblem } from '../../../shared/contract/sync';
import type { IdentificationRow } from '../identification/identifications-repository';
import type { CentralFailure } from './central-client';
import type { OutboxEntry } from './outbox-repository';

/*
 * Why an outcome was not accepted (words: shared/i18n's `conflict.*` and `dead.*`), and
 * what the last failure was (Italian, for the log and the diagnostics).
 */

/** Why an outcome can never be sent (the row is `dead`). */
export type DeadCode =
  'request-not-found' | 'idempotency-key-reused' | 'payload-corrupt' | 'rejected' | 'not-permitted' | 'identity-mismatch';

const conflictCodes: ReadonlyArray<ConflictCode> = conflictCodeSchema.options;
const deadCodes: ReadonlyArray<DeadCode> = [
  'request-not-found',
  'idempotency-key-reused',
  'payload-corrupt',
  'rejected',
  'not-permitted',
  'identity-mismatch',
];

export const sessionExpiredForQueue = 'Sessione scaduta: accedere di nuovo per inviare gli esiti in coda.';
export const drainInterrupted =
  'Invio degli esiti interrotto da un errore dell’archivio di questo computer (ad esempio disco pieno): nuovo tentativo automatico tra poco, senza doppioni.';
export const pullInterrupted =
  'Aggiornamento dell’elenco delle richieste interrotto da un errore dell’archivio di questo computer (ad esempio disco pieno): riprende dalla pagina interrotta alla prossima sincronizzazione.';
export const pullRefusedRepeatedly = 'Il servizio centrale rifiuta ripetutamente la sincronizzazione: riprovare più tardi.';

export function describeFailure(failure: CentralFailure): string {
  switch (failure.kind) {
    case 'network':
      return 'Servizio centrale non raggiungibile.';
    case 'invalid-response':
      return `Risposta del servizio centrale non leggibile (HTTP ${failure.status}).`;
    case 'http':
      if (failure.status === 429) return 'Il servizio centrale chiede di riprovare più tardi (troppe richieste).';
      // The service gives the outcomes coming in precedence over the lists (after an outage).
      if (failure.status === 503 && failure.code === 'unavailable')
        return 'Servizio centrale occupato a ricevere esiti: l’elenco delle richieste si aggiorna tra poco.';
      if (failure.status >= 500) return `Errore temporaneo del servizio centrale (HTTP ${failure.status}).`;
      if (failure.status === 401) return 'Sessione scaduta: accedere di nuovo.';
      return `Il servizio centrale ha risposto con un errore (HTTP ${failure.status}, ${failure.code}).`;
  }
}

/** Why an outcome was not accepted (null while it is not a problem). */
export function notAcceptedText(delivery: { syncState: string; problemCode: string | null }): Message | null {
  const code = delivery.problemCode ?? 'unknown';
  if (delivery.syncState === 'conflict' && conflictCodes.includes(code as ConflictCode)) return { key: `conflict.${code as ConflictCode}` };
  if (delivery.syncState === 'dead' && deadCodes.includes(code as DeadCode)) return { key: `dead.${code as DeadCode}` };
  // A code this version does not know (a newer one wrote it): said with the code, for support.
  if (delivery.syncState === 'conflict') return { key: 'conflict.unknown', params: { code } };
  if (delivery.syncState === 'dead') return { key: 'dead.unknown', params: { code } };
  return null;
}

/** …in plain Italian (the receipt, the CSV). */
export function notAcceptedReason(delivery: { syncState: string; problemCode: string | null }): string | null {
  const text = notAcceptedText(delivery);
  return text && italian(text);
}

/** A conflict or dead outbox row as the Problems screen shows it. */
export function describeProblem(entry: OutboxEntry, identification: IdentificationRow | null): SyncProblem {
  const code = entry.problemCode ?? 'unknown';
  const reasonText = notAcceptedText({ syncState: entry.state, problemCode: entry.problemCode }) ?? {
    key: 'dead.unknown',
    params: { code },
  };
  return {
    opId: entry.opId,
    identificationId: entry.identificationId,
    requestId: identification?.requestId ?? '',
    fiscalCode: identification?.fiscalCode ?? '',
    outcome: identification?.outcome ?? 'confirmed',
    state: entry.state === 'conflict' ? 'conflict' : 'dead',
    code,
    reason: italian(reasonText),
    reasonText,
    lastError: entry.lastError,
    attempts: entry.attempts,
    createdAt: identification?.createdAt ?? entry.updatedAt,
    updatedAt: entry.updatedAt,
    retryable: entry.state === 'dead',
  };
}
