import type { FiscalCodeServiceErrorCode, ServiceErrorCode } from '../../../shared/contract';
import type { DatabaseErrorCode } from '../store/database';

/**
 * A failure the core means to report to the person (Italian message, stable code from
 * the contract's `serviceErrorCodes`). Anything else thrown by a service is a bug:
 * logged, and answered as `internal`.
 */
export class ServiceFailure extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceFailure';
  }
}

const seconds = (ms: number) => Math.ceil(ms / 1000);
const fail = (code: ServiceErrorCode, message: string) => new ServiceFailure(code, message);

/** What a wrong password costs now: the attempts left before a wait, or the wait. */
export type WrongPasswordCost = { waitMs: number } | { attemptsLeft: number } | null;

function costOf(cost: WrongPasswordCost): string {
  if (!cost) return '';
  if ('waitMs' in cost) return ` Troppi tentativi errati: il prossimo sarà possibile tra ${seconds(cost.waitMs)} secondi.`;
  return ` Ancora ${cost.attemptsLeft} tentativi prima di un’attesa.`;
}

/** Where a password was asked again, for what a wrong one means there. */
export type PasswordCheck = 'unlock' | 'confirm';
const wrongPasswordConsequence: Record<PasswordCheck, string> = {
  unlock: 'la sessione resta bloccata.',
  confirm: 'la conferma non è stata registrata.',
};

/** The error catalogue: one constructor, and one Italian message, per code. */
export const failures = {
  notSignedIn: () => fail('not-signed-in', 'Nessun operatore collegato: accedere per continuare.'),
  sessionLocked: () => fail('session-locked', 'Sessione bloccata: inserire la password per continuare.'),
  forbidden: () => fail('forbidden', 'Operazione riservata al dirigente scolastico o al DSGA.'),

  invalidCredentials: (cost: WrongPasswordCost) =>
    fail('invalid-credentials', `Codice meccanografico, nome utente o password non corretti.${costOf(cost)}`),
  wrongPassword: (check: PasswordCheck, cost: WrongPasswordCost) =>
    fail('wrong-password', `Password non corretta: ${wrongPasswordConsequence[check]}${costOf(cost)}`),
  signInDelayed: (waitMs: number) =>
    fail(
      'sign-in-delayed',
      `Troppi tentativi con password errata: riprovare tra ${seconds(waitMs)} secondi. L’attesa cresce a ogni nuovo errore.`,
    ),
  /** `offlineDays`: at sign-in, the offline window; null: an offline session that stays offline. */
  centralUnreachable: (offlineDays: number | null) =>
    fail(
      'central-unreachable',
      offlineDays === null
        ? 'Il servizio centrale non risponde ancora: si resta senza collegamento, gli esiti restano in coda.'
        : `Servizio centrale non raggiungibile. Senza collegamento può accedere solo chi ha già effettuato l’accesso in linea su questo computer negli ultimi ${offlineDays} giorni: verificare la connessione e riprovare.`,
    ),
  notPermitted: () =>
    fail(
      'not-permitted',
      'Questo account non è abilitato a identificare (abilitazione revocata o account disattivato): rivolgersi al dirigente scolastico o al DSGA.',
    ),
  deviceNotRecognised: () =>
    fail(
      'device-not-recognised',
      'Il servizio centrale non riconosce questo computer: il suo identificativo risulta registrato con un’altra chiave o per un altro ufficio. Rivolgersi all’amministratore di sistema.',
    ),
  cannotIdentify: () =>
    fail(
      'not-permitted',
      'Questo account non è abilitato a identificare i richiedenti (può gestire gli operatori): chiedere l’abilitazione al dirigente scolastico o al DSGA.',
    ),
  passwordChangeRequired: () =>
    fail(
      'password-change-required',
      'Primo accesso con la password temporanea: sceglierne una nuova (almeno 10 caratteri) per continuare.',
    ),
  passwordRejected: (reason: string) => fail('password-rejected', `La nuova password non è stata accettata: ${reason}`),
  usernameTaken: (username: string) =>
    fail('username-taken', `Il nome utente «${username}» esiste già in questo ufficio: sceglierne un altro.`),
  operatorsOffline: () =>
    fail(
      'central-unreachable',
      'La gestione degli operatori richiede il collegamento al servizio centrale: accedere in linea e riprovare.',
    ),
  notOnYourself: () =>
    fail('forbidden', 'Il proprio account non si modifica da qui: chiedere all’altro amministratore dell’ufficio (dirigente o DSGA).'),
  operatorNotFound: () => fail('operator-not-found', 'Operatore non trovato in questo ufficio: aggiornare l’elenco.'),
  centralRefused: () =>
    fail('central-refused', 'Il servizio centrale non ha accettato la richiesta: riprovare; se si ripete, rivolgersi all’assistenza.'),
  centralError: () => fail('central-error', 'Il servizio centrale non ha accettato l’accesso: riprovare più tardi.'),
  offlineClock: () =>
    fail(
      'offline-clock',
      'L’orologio di questo computer è indietro rispetto all’ultimo accesso in linea: l’accesso senza collegamento non è possibile. Verificare data e ora, o attendere il ritorno della connessione.',
    ),
  offlineExpired: (offlineDays: number) =>
    fail(
      'offline-expired',
      `Servizio centrale non raggiungibile, e l’ultimo accesso in linea su questo computer risale a più di ${offlineDays} giorni fa: serve un accesso in linea.`,
    ),
  sessionActive: (displayName: string) =>
    fail(
      'session-active',
      `${displayName} ha una sessione aperta su questo computer: deve uscire (o si esce dalla schermata di blocco con «Esci») prima che un altro operatore acceda.`,
    ),
  storeOfficeMismatch: (storeOffice: string) =>
    fail(
      'store-office-mismatch',
      `Su questo computer l’archivio locale è dell’ufficio ${storeOffice}: i dati di un ufficio non si mescolano con quelli di un altro, quindi qui non si può accedere per un altro ufficio. Per un secondo ufficio serve un’altra postazione o un altro utente del computer: rivolgersi all’amministratore di sistema.`,
    ),
  officeNotAllowed: (office: { code: string; name: string }) =>
    fail(
      'office-not-allowed',
      `Questo computer è configurato per l’ufficio ${office.code} (${office.name}): non si può accedere per un altro ufficio.`,
    ),

  machineConfigInvalid: (path: string) =>
    fail(
      'machine-config-invalid',
      `La configurazione di questo computer (${path}) non è valida: rivolgersi all’amministratore di sistema.`,
    ),
  /** The store could not be opened: its own code and message (src-main/core/store/database.ts). */
  storeUnavailable: (error: { code: DatabaseErrorCode; message: string } | null) =>
    error ? fail(error.code, error.message) : fail('store-unavailable', 'Archivio locale non disponibile.'),

  identificationInProgress: () =>
    fail(
      'identification-in-progress',
      'C’è un’identificazione iniziata e non conclusa: confermarla o rifiutarla (oppure uscire con «Esci») prima di riavviare. L’aggiornamento si installa comunque alla chiusura dell’applicazione.',
    ),
  noUpdate: () => fail('no-update', 'Nessun aggiornamento pronto da installare.'),

  fiscalCode: (reason: FiscalCodeServiceErrorCode, message: string) => fail(reason, message),
  requestNotFound: () => fail('request-not-found', 'Richiesta non trovata sul computer: cercarla di nuovo.'),
  identificationNotFound: () => fail('identification-not-found', 'Identificazione non trovata.'),
  identificationUnreadable: () => fail('identification-unreadable', 'I dati di questa identificazione non sono leggibili.'),
  identificationBlocked: (findings: string[]) => fail('identification-blocked', `Conferma non possibile: ${findings.join(' ')}`),
  warningsNotAcknowledged: (warnings: string[]) =>
    fail('warnings-not-acknowledged', `Prendere visione delle avvertenze: ${warnings.join(' ')}`),
  refusalNoteNeeded: () => fail('refusal-note-needed', 'Scrivere nella nota il motivo del rifiuto.'),
  problemNotFound: () => fail('problem-not-found', 'Problema non trovato o già gestito.'),

  managedSetting: (field: string, path: string) =>
    fail(
      'managed-setting',
      `${field}: stabilito dalla configurazione di questo computer (${path}); lo può cambiare solo l’amministratore di sistema.`,
    ),
  erasurePending: (waiting: number) =>
    fail(
      'erasure-pending',
      `Per questo codice fiscale ${waiting === 1 ? 'c’è un esito' : `ci sono ${waiting} esiti`} non ancora accettati dal servizio centrale o un problema da gestire: la cancellazione sarà possibile dopo l’invio (o dopo aver gestito il problema). Nulla è stato cancellato.`,
    ),
} as const;
