import { formatItalianDate, type IsoDate } from '../domain/dates';
import type { FiscalCodeField } from '../domain/fiscal-code';
import type { IdentityDocumentKind } from '../domain/identity-document';
import type { MrzData } from '../domain/mrz';

/**
 * The words of the checks and of the core's answers, by key. The domain and the core
 * say *what* happened as a message (`{ key, params }`: codes and values, no words); a
 * catalogue words it. This one is Italian: the core words its `message` with it (logs,
 * the HTTP API, the receipt, which stays Italian); the renderer words the same message
 * in the person's language (src-renderer/i18n/messages-en.ts for English, typed against
 * this one so that no key can be missing).
 *
 * Params are plain JSON (they cross the process boundary): strings, numbers, booleans,
 * arrays of them, or a nested message worded in the same language by `say`.
 */

/** A message inside another one ("Documento del delegato: <the reason>"). */
export interface NestedMessage {
  key: string;
  params?: object;
}

/** Words a nested message in the catalogue's own language. */
export type Say = (message: NestedMessage) => string;

/** One period a Belfiore code was valid in (`to` null: still valid). */
export interface PlacePeriod {
  from: IsoDate;
  to: IsoDate | null;
}

export type CheckDigitName = keyof MrzData['checks'];
/** A setting IT fixed in the machine configuration. */
export type ManagedSetting = 'central-url' | 'retention';
/** Where a wrong password was typed again: at unlock or at confirmation. */
export type PasswordCheck = 'unlock' | 'confirm';
/** What a wrong password costs now: the attempts left before a wait, or the wait. */
export type WrongPasswordCost = { waitSeconds: number } | { attemptsLeft: number } | null;

/** The words of a catalogue that are not whole messages: labels used inside them. */
export interface CatalogueLabels {
  documentKind: Record<IdentityDocumentKind, string>;
  fiscalCodeField: Record<FiscalCodeField, string>;
  checkDigit: Record<CheckDigitName, string>;
  formatDate: (date: IsoDate) => string;
}

export const italianLabels: CatalogueLabels = {
  documentKind: {
    cie: "Carta d'identità elettronica (CIE 3.0)",
    'cie-2': "Carta d'identità elettronica (CIE 2.0)",
    'paper-id-card': "Carta d'identità cartacea",
    passport: 'Passaporto',
    'driving-licence': 'Patente di guida',
    'nautical-licence': 'Patente nautica',
    'firearms-licence': "Porto d'armi",
    'state-employee-card': 'Tessera di riconoscimento (Mod. AT/BT)',
    'pension-book': 'Libretto di pensione',
    'heating-plant-licence': 'Patentino di abilitazione alla conduzione di impianti termici',
  },
  fiscalCodeField: {
    fiscalCode: 'codice fiscale',
    surname: 'cognome',
    name: 'nome',
    sex: 'sesso',
    birthDate: 'data di nascita',
    birthPlaceCode: 'luogo di nascita',
  },
  checkDigit: {
    documentNumber: 'numero del documento',
    birthDate: 'data di nascita',
    expiryDate: 'data di scadenza',
    personalNumber: 'numero personale',
    composite: 'controllo complessivo',
  },
  formatDate: formatItalianDate,
};

const L = italianLabels;
const d = L.formatDate;

function cost(c: WrongPasswordCost): string {
  if (!c) return '';
  if ('waitSeconds' in c) return ` Troppi tentativi errati: il prossimo sarà possibile tra ${c.waitSeconds} secondi.`;
  return c.attemptsLeft === 1 ? ' Ancora 1 tentativo prima di un’attesa.' : ` Ancora ${c.attemptsLeft} tentativi prima di un’attesa.`;
}

/** "valido fino al 31/12/2016", "valido dal …", or every period. */
function placeValidity(periods: PlacePeriod[], birthDate: IsoDate): string {
  const first = periods[0]!;
  const last = periods[periods.length - 1]!;
  if (periods.length === 1 && last.to !== null && birthDate > last.to) return `valido fino al ${d(last.to)}`;
  if (periods.length === 1 && birthDate < first.from) return `valido dal ${d(first.from)}`;
  return `valido ${periods.map((p) => (p.to === null ? `dal ${d(p.from)}` : `dal ${d(p.from)} al ${d(p.to)}`)).join(', ')}`;
}

const fiscalCodeWords = {
  empty: 'Inserire il codice fiscale.',
  length: 'Il codice fiscale deve avere 16 caratteri.',
  format: 'Il codice fiscale contiene caratteri non ammessi nella loro posizione.',
  checkCharacter: 'Il carattere di controllo del codice fiscale non è corretto: verificare di averlo scritto bene.',
  birthDate: 'Il codice fiscale indica una data di nascita inesistente.',
  birthPlace: 'Il codice fiscale indica un luogo di nascita (codice catastale) inesistente o non valido alla data di nascita.',
};

const storeWords = {
  wrongKey:
    'Impossibile aprire l’archivio locale: la chiave di cifratura non corrisponde. Il file non è stato modificato. Rivolgersi all’assistenza informatica.',
  notEncrypted: 'Il file dell’archivio locale non è cifrato: non verrà usato. Rivolgersi all’assistenza informatica.',
  newerVersion:
    'L’archivio locale è stato creato da una versione più recente dell’applicazione: aggiornare l’applicazione. Il file non è stato modificato.',
};

const who = (delegate: boolean) => (delegate ? ' del delegato' : '');
const list = (fields: FiscalCodeField[]) => fields.map((field) => L.fiscalCodeField[field]).join(', ');

export const italianMessages = {
  // The fiscal code (shared/domain/fiscal-code.ts)
  'fiscal-code.empty': () => fiscalCodeWords.empty,
  'fiscal-code.length': (p: { length: number }) => `${fiscalCodeWords.length} Ne ha ${p.length}.`,
  'fiscal-code.format': (p: { position: number }) => `${fiscalCodeWords.format} Controllare il carattere in posizione ${p.position}.`,
  'fiscal-code.check-character': () => fiscalCodeWords.checkCharacter,
  'fiscal-code.birth-date': () => fiscalCodeWords.birthDate,
  'fiscal-code.birth-place-unknown': (p: { place: string }) => `${fiscalCodeWords.birthPlace} Codice ${p.place} sconosciuto.`,
  'fiscal-code.birth-place-not-then': (p: { place: string; name: string; birthDate: IsoDate; periods: PlacePeriod[] }) =>
    `${fiscalCodeWords.birthPlace} Codice ${p.place} (${p.name}) ${placeValidity(p.periods, p.birthDate)}: non esisteva il ${d(p.birthDate)}.`,

  // Dates typed at the desk (shared/domain/typed-date.ts)
  'date.incomplete': () => 'Data incompleta: scriverla come gg/mm/aaaa, ad esempio 27/11/2019.',
  'date.impossible': (p: { date: string }) => `La data ${p.date} non esiste: controllarla.`,

  // The tessera sanitaria's number (shared/domain/health-card.ts)
  'health-card.empty': () => 'Inserire il numero della tessera sanitaria.',
  'health-card.format': () => 'Il numero della tessera sanitaria contiene solo cifre.',
  'health-card.length': (p: { length: number }) => `Il numero della tessera sanitaria ha 20 cifre (ne ha ${p.length}).`,
  'health-card.prefix': () => 'Il numero della tessera sanitaria inizia con 80380.',
  'health-card.check-digit': () => 'La cifra di controllo del numero della tessera sanitaria non è corretta.',

  // Identity documents (shared/domain/identity-document.ts)
  'document-number.empty': () => 'Inserire il numero del documento.',
  'document-number.kind-format': (p: { kind: IdentityDocumentKind; example: string }) =>
    `Numero non valido per ${L.documentKind[p.kind].toLowerCase()}: formato atteso come ${p.example}.`,
  'document-number.format': () => 'Numero non valido: da 4 a 20 lettere o cifre.',
  'document.invalid-date': () => 'Data di rilascio o di scadenza non valida.',
  'document.paper-id-card-withdrawn': (p: { cutoff: IsoDate }) =>
    `La carta d'identità cartacea non è più valida dal ${d(p.cutoff)} (Reg. UE 2019/1157): serve la CIE o un altro documento.`,
  'document.expiry-before-issue': () => 'La data di scadenza è precedente a quella di rilascio: verificare le date.',
  'document.expiry-missing': () => 'Inserire la data di scadenza del documento.',
  'document.issue-date-in-future': (p: { issueDate: IsoDate }) =>
    `La data di rilascio (${d(p.issueDate)}) è successiva a oggi: verificare.`,
  'document.expired': (p: { expiryDate: IsoDate }) => `Documento scaduto il ${d(p.expiryDate)}.`,
  'document.expiry-not-on-birthday': () =>
    "Per le carte d'identità rilasciate dal 10/02/2012 la scadenza cade nel giorno del compleanno del titolare (DL 5/2012 art. 7): verificare la data di scadenza.",
  'document.valid-through': (p: { expiryDate: IsoDate }) => `Valido fino al ${d(p.expiryDate)} compreso.`,
  'document.no-expiry': () => 'Documento senza scadenza.',

  // The MRZ (shared/domain/mrz.ts)
  'mrz.empty': () => 'Inserire o leggere la zona a lettura ottica (MRZ).',
  'mrz.lines': () => 'MRZ non riconosciuta: servono 3 righe da 30 caratteri (CIE) o 2 righe da 44 (passaporto).',
  'mrz.unreadable': () => 'MRZ non riconosciuta: controllare di averla letta per intero.',
  'mrz.unsupported': () => 'Formato MRZ non supportato.',
  'mrz.check-digit': (p: { checks: CheckDigitName[] }) =>
    `Cifre di controllo della MRZ che non tornano (${p.checks.map((name) => L.checkDigit[name]).join(', ')}): rileggere la MRZ o controllare il documento.`,
  'mrz.document-number': (p: { number: string }) => `Il numero nella MRZ (${p.number}) è diverso da quello inserito.`,
  'mrz.birth-date': () => 'La data di nascita nella MRZ è diversa da quella della richiesta.',
  'mrz.sex': () => 'Il sesso nella MRZ è diverso da quello della richiesta.',
  'mrz.expiry-date': () => 'La data di scadenza nella MRZ è diversa da quella inserita.',
  'mrz.surname': () => 'Il cognome nella MRZ è diverso da quello della richiesta.',
  'mrz.name': () => 'Il nome nella MRZ è diverso da quello della richiesta.',

  // The checks of an identification (shared/domain/identification.ts)
  'check.request-code-not-confirmed': () =>
    'Il richiedente deve prima confermare online il codice personale temporaneo ricevuto per email.',
  'check.request-already-enabled': () => 'Il richiedente risulta già abilitato.',
  'check.request-annulled': () => 'La richiesta di abilitazione è stata annullata.',
  'check.request-expired': () => 'La richiesta di abilitazione è scaduta: il richiedente deve presentarne una nuova.',
  'check.identification-not-required': () =>
    "Per questa richiesta l'identificazione in presenza non è necessaria (ad esempio accesso con SPID).",
  'check.request-fiscal-code-invalid': (p: { reason: NestedMessage }, say: Say) => `Codice fiscale della richiesta: ${say(p.reason)}`,
  'check.fiscal-code-data-mismatch': (p: { fields: FiscalCodeField[] }) =>
    `Il codice fiscale non corrisponde ai dati anagrafici della richiesta (${list(p.fields)}).`,
  'check.document-missing': () => 'Inserire i dati del documento di riconoscimento presentato.',
  'check.document-problem': (p: { delegate: boolean; reason: NestedMessage }, say: Say) => `Documento${who(p.delegate)}: ${say(p.reason)}`,
  'check.document-kind-mismatch': (p: { presented: IdentityDocumentKind; declared: IdentityDocumentKind }) =>
    `Il documento presentato (${L.documentKind[p.presented]}) non è quello dichiarato nella richiesta (${L.documentKind[p.declared]}).`,
  'check.document-number-mismatch': (p: { presented: string; declared: string }) =>
    `Il numero del documento presentato (${p.presented}) è diverso da quello dichiarato (${p.declared}).`,
  'check.document-issuer-differs': () => "L'ente di rilascio è diverso da quello dichiarato nella richiesta.",
  'check.document-issue-date-differs': () => 'La data di rilascio è diversa da quella dichiarata nella richiesta.',
  'check.document-expiry-date-differs': () => 'La data di scadenza è diversa da quella dichiarata nella richiesta.',
  'check.fiscal-code-card-missing': () => 'Leggere o inserire il codice fiscale dalla tessera sanitaria o dal tesserino.',
  'check.fiscal-code-card-invalid': (p: { reason: NestedMessage }, say: Say) => `Codice fiscale della tessera: ${say(p.reason)}`,
  'check.fiscal-code-card-omocode-variant': (p: { card: string; request: string }) =>
    `La tessera riporta il codice ${p.card}, una variante per omocodia di quello della richiesta (${p.request}): appartiene a un’altra persona, non al richiedente.`,
  'check.fiscal-code-card-mismatch': (p: { card: string; request: string }) =>
    `Il codice fiscale della tessera (${p.card}) è diverso da quello della richiesta (${p.request}).`,
  'check.fiscal-code-card-expired': () => 'La tessera è scaduta: il codice fiscale resta leggibile, ma annotarlo.',
  'check.delegate-missing': () => 'Inserire i dati del delegato.',
  'check.delegate-fiscal-code-invalid': (p: { reason: NestedMessage }, say: Say) => `Codice fiscale del delegato: ${say(p.reason)}`,
  'check.delegate-fiscal-code-data-mismatch': (p: { fields: FiscalCodeField[] }) =>
    `Il codice fiscale del delegato non corrisponde ai suoi dati (${list(p.fields)}).`,
  'check.delegate-is-applicant': () => 'Il delegato non può essere il richiedente stesso.',
  'check.delegate-document-missing': () => 'Inserire i dati del documento di riconoscimento del delegato.',
  'check.delegation-form-missing': () => 'Serve il modulo di delega firmato dal richiedente.',
  'check.delegate-photocopies-missing': () => 'Raccogliere le fotocopie (fronte e retro) del documento e del codice fiscale del delegato.',
  'check.module-not-signed': () => 'Il modulo di adesione va firmato dal richiedente in presenza dell’operatore.',
  'check.module-not-signed-delegate': () => 'Il delegato deve consegnare il modulo di adesione compilato e firmato dal richiedente.',
  'check.photocopies-missing': () =>
    'Raccogliere le fotocopie (fronte e retro) del documento di riconoscimento e del codice fiscale del richiedente.',

  // The transport (src-main/core/rpc/dispatcher.ts)
  'transport.unknown-operation': () => 'Operazione sconosciuta.',
  'transport.validation': (p: { paths: string[] }) => `Dati non validi: ${p.paths.join(', ')}.`,
  'transport.internal': () => 'Errore interno dell’applicazione. Riprovare; se il problema persiste, rivolgersi all’assistenza.',
  // …and the renderer's side of it (src-renderer/api/client.ts)
  'transport.unreachable': () => 'Applicazione non raggiungibile: riavviarla e riprovare.',
  'transport.browser-session-invalid': () => 'Sessione non valida: aprire l’indirizzo mostrato all’avvio dell’applicazione.',
  // …and the hosts' (src-main/browser-host/server.ts, src-main/electron/ipc.ts)
  'transport.address-refused': () => 'Richiesta rifiutata: indirizzo non riconosciuto.',
  'transport.origin-refused': () => 'Richiesta rifiutata: origine non consentita.',
  'transport.not-from-app': () => 'Richiesta rifiutata: non proviene dall’applicazione.',
  'transport.session-invalid': () => 'Sessione non valida: riaprire l’applicazione dall’indirizzo indicato all’avvio.',
  'transport.payload-too-large': () => 'Richiesta troppo grande.',
  'transport.not-json': () => 'Formato della richiesta non supportato: serve JSON.',
  'transport.json-unreadable': () => 'Richiesta non leggibile: JSON non valido.',
  'transport.host-error': () => 'Errore interno dell’applicazione.',
  'transport.launch-code-invalid': () => 'Codice di avvio non valido o già usato: riavviare l’host e usare il nuovo indirizzo.',
  'transport.too-many-streams': () => 'Troppe finestre aperte su questa sessione: chiuderne qualcuna.',

  // The core's answers (src-main/core/rpc/failures.ts)
  'service.not-signed-in': () => 'Nessun operatore collegato: accedere per continuare.',
  'service.session-locked': () => 'Sessione bloccata: inserire la password per continuare.',
  'service.forbidden': () => 'Operazione riservata al dirigente scolastico o al DSGA.',
  'service.invalid-credentials': (p: { cost: WrongPasswordCost }) =>
    `Codice meccanografico, nome utente o password non corretti.${cost(p.cost)}`,
  'service.wrong-password': (p: { check: PasswordCheck; cost: WrongPasswordCost }) =>
    `Password non corretta: ${p.check === 'unlock' ? 'la sessione resta bloccata.' : 'la conferma non è stata registrata.'}${cost(p.cost)}`,
  'service.sign-in-delayed': (p: { waitSeconds: number }) =>
    `Troppi tentativi con password errata: riprovare tra ${p.waitSeconds} secondi. L’attesa cresce a ogni nuovo errore.`,
  'service.central-unreachable-offline': () =>
    'Il servizio centrale non risponde ancora: si resta senza collegamento, gli esiti restano in coda.',
  'service.central-unreachable': (p: { offlineDays: number }) =>
    `Servizio centrale non raggiungibile. Senza collegamento può accedere solo chi ha già effettuato l’accesso in linea su questo computer negli ultimi ${p.offlineDays} giorni: verificare la connessione e riprovare.`,
  'service.not-permitted': () =>
    'Questo account non è abilitato a identificare (abilitazione revocata o account disattivato): rivolgersi al dirigente scolastico o al DSGA.',
  'service.device-not-recognised': () =>
    'Il servizio centrale non riconosce questo computer: il suo identificativo risulta registrato con un’altra chiave o per un altro ufficio. Rivolgersi all’amministratore di sistema.',
  'service.cannot-identify': () =>
    'Questo account non è abilitato a identificare i richiedenti (può gestire gli operatori): chiedere l’abilitazione al dirigente scolastico o al DSGA.',
  'service.password-change-required': () =>
    'Primo accesso con la password temporanea: sceglierne una nuova (almeno 10 caratteri) per continuare.',
  'service.password-rejected': () =>
    'La nuova password non è stata accettata: deve essere lunga almeno 10 caratteri e diversa da quella temporanea.',
  'service.username-taken': (p: { username: string }) =>
    `Il nome utente «${p.username}» esiste già in questo ufficio: sceglierne un altro.`,
  'service.operators-offline': () =>
    'La gestione degli operatori richiede il collegamento al servizio centrale: accedere in linea e riprovare.',
  'service.not-on-yourself': () =>
    'Il proprio account non si modifica da qui: chiedere all’altro amministratore dell’ufficio (dirigente o DSGA).',
  'service.operator-not-found': () => 'Operatore non trovato in questo ufficio: aggiornare l’elenco.',
  'service.training-only': () => 'Le esercitazioni esistono solo in modalità di prova.',
  'service.training-offline': () =>
    'Le esercitazioni si scaricano dal servizio di prova: accedere in linea (o terminare l’interruzione simulata) e riprovare.',
  'service.exercise-not-found': () => 'Esercitazione non trovata: aggiornare l’elenco delle esercitazioni.',
  'service.range-backwards': () => 'La data di inizio del periodo deve precedere (o essere uguale a) quella di fine.',
  'service.erasure-unfinished': () =>
    'Dati cancellati, ma l’archivio è occupato dalla sincronizzazione e non ha potuto eliminarne ogni traccia: ripetere la cancellazione tra qualche secondo per completarla.',
  'service.range-too-long': (p: { maxDays: number }) => `Il periodo può essere lungo al massimo ${p.maxDays} giorni.`,
  'service.central-refused': () =>
    'Il servizio centrale non ha accettato la richiesta: riprovare; se si ripete, rivolgersi all’assistenza.',
  'service.central-error': () => 'Il servizio centrale non ha accettato l’accesso: riprovare più tardi.',
  'service.offline-clock': () =>
    'L’orologio di questo computer è indietro rispetto all’ultimo accesso in linea: l’accesso senza collegamento non è possibile. Verificare data e ora, o attendere il ritorno della connessione.',
  'service.offline-expired': (p: { offlineDays: number }) =>
    `Servizio centrale non raggiungibile, e l’ultimo accesso in linea su questo computer risale a più di ${p.offlineDays} giorni fa: serve un accesso in linea.`,
  'service.session-active': (p: { displayName: string }) =>
    `${p.displayName} ha una sessione aperta su questo computer: deve uscire (o si esce dalla schermata di blocco con «Esci») prima che un altro operatore acceda.`,
  'service.store-office-mismatch': (p: { storeOffice: string }) =>
    `Su questo computer l’archivio locale è dell’ufficio ${p.storeOffice}: i dati di un ufficio non si mescolano con quelli di un altro, quindi qui non si può accedere per un altro ufficio. Per un secondo ufficio serve un’altra postazione o un altro utente del computer: rivolgersi all’amministratore di sistema.`,
  'service.office-not-allowed': (p: { code: string; name: string }) =>
    `Questo computer è configurato per l’ufficio ${p.code} (${p.name}): non si può accedere per un altro ufficio.`,
  'service.machine-config-invalid': (p: { path: string }) =>
    `La configurazione di questo computer (${p.path}) non è valida: rivolgersi all’amministratore di sistema.`,
  'service.store-unavailable': () => 'Archivio locale non disponibile.',
  'service.identification-in-progress': () =>
    'C’è un’identificazione iniziata e non conclusa: confermarla o rifiutarla (oppure uscire con «Esci») prima di riavviare. L’aggiornamento si installa comunque alla chiusura dell’applicazione.',
  'service.no-update': () => 'Nessun aggiornamento pronto da installare.',
  'service.request-not-found': () => 'Richiesta non trovata sul computer: cercarla di nuovo.',
  'service.identification-not-found': () => 'Identificazione non trovata.',
  'service.identification-unreadable': () => 'I dati di questa identificazione non sono leggibili.',
  'service.identification-blocked': (p: { findings: NestedMessage[] }, say: Say) =>
    `Conferma non possibile: ${p.findings.map(say).join(' ')}`,
  'service.warnings-not-acknowledged': (p: { warnings: NestedMessage[] }, say: Say) =>
    `Prendere visione delle avvertenze: ${p.warnings.map(say).join(' ')}`,
  'service.refusal-note-needed': () => 'Scrivere nella nota il motivo del rifiuto.',
  'service.problem-not-found': () => 'Problema non trovato o già gestito.',
  'service.managed-setting': (p: { setting: ManagedSetting; path: string }) =>
    `${p.setting === 'central-url' ? 'Indirizzo del servizio centrale' : 'Conservazione dei dati'}: stabilito dalla configurazione di questo computer (${p.path}); lo può cambiare solo l’amministratore di sistema.`,
  'service.erasure-pending': (p: { waiting: number }) =>
    `Per questo codice fiscale ${p.waiting === 1 ? 'c’è un esito' : `ci sono ${p.waiting} esiti`} non ancora accettati dal servizio centrale o un problema da gestire: la cancellazione sarà possibile dopo l’invio (o dopo aver gestito il problema). Nulla è stato cancellato.`,

  // The local store, at start (src-main/core/store/database.ts)
  'store.wrong-key': () => storeWords.wrongKey,
  'store.corrupt': () =>
    'L’archivio locale risulta danneggiato. Il file non è stato modificato: l’assistenza informatica può ripristinarlo da una copia.',
  /** A damaged store, with where its last backup copy is (dd/mm/yyyy, hh:mm, Rome time). */
  'store.corrupt-at': (p: { path: string; backup: { path: string; day: string; time: string } | null }) =>
    `L’archivio locale risulta danneggiato e non è stato modificato (file: ${p.path}). ${
      p.backup
        ? `Ultima copia di sicurezza: ${p.backup.path}, del ${p.backup.day} alle ${p.backup.time}: l’assistenza informatica può metterla al posto del file danneggiato (le identificazioni registrate dopo quell’ora e non ancora inviate vanno ripetute).`
        : 'Non c’è una copia di sicurezza: rivolgersi all’assistenza informatica.'
    }`,
  'store.not-encrypted': () => storeWords.notEncrypted,
  'store.newer-version': () => storeWords.newerVersion,
  'store.read-only': () => 'L’archivio locale è in sola lettura: verificare i permessi della cartella dei dati.',
  'store.locked': () => 'L’archivio locale è in uso da un’altra istanza dell’applicazione: chiuderla e riprovare.',
  'store.disk-full': () => 'Spazio su disco esaurito: liberare spazio e riprovare.',
  'store.cannot-open': () => 'Impossibile aprire l’archivio locale: verificare che la cartella dei dati esista e sia scrivibile.',
  // …and while working: nothing of the operation was written
  'store-working.wrong-key': () => storeWords.wrongKey,
  'store-working.not-encrypted': () => storeWords.notEncrypted,
  'store-working.newer-version': () => storeWords.newerVersion,
  'store-working.corrupt': () =>
    'L’archivio locale risulta danneggiato: l’operazione non è stata registrata. Chiudere l’applicazione e rivolgersi all’assistenza informatica (all’avvio successivo l’applicazione lo controlla e indica dove è la copia di sicurezza).',
  'store-working.read-only': () =>
    'L’archivio locale è in sola lettura: l’operazione non è stata registrata e i dati inseriti restano nel modulo. Verificare i permessi della cartella dei dati o rivolgersi all’assistenza informatica.',
  'store-working.locked': () =>
    'L’archivio locale è in uso da un’altra istanza dell’applicazione: l’operazione non è stata registrata e i dati inseriti restano nel modulo. Chiudere l’altra istanza e riprovare.',
  'store-working.disk-full': () =>
    'Spazio su disco esaurito: l’operazione non è stata registrata e i dati inseriti restano nel modulo. Liberare spazio su disco e riprovare.',
  'store-working.cannot-open': () =>
    'Errore di scrittura sull’archivio locale: l’operazione non è stata registrata e i dati inseriti restano nel modulo. Riprovare; se il problema persiste, rivolgersi all’assistenza informatica.',

  // Why the central service did not accept an outcome (src-main/core/sync/problems.ts)
  'conflict.already-enabled': () =>
    'Il richiedente risultava già abilitato quando la conferma è arrivata al servizio centrale: nessuna azione necessaria sulla richiesta.',
  'conflict.request-annulled': () =>
    'La richiesta è stata annullata sul servizio centrale prima che la conferma arrivasse: il richiedente deve presentare una nuova richiesta.',
  'conflict.request-expired': () =>
    'La richiesta era scaduta quando la conferma è arrivata al servizio centrale: il richiedente deve presentarne una nuova.',
  'conflict.code-not-confirmed': () =>
    'Il richiedente non aveva ancora confermato il codice personale temporaneo: deve farlo online, poi va identificato di nuovo.',
  'conflict.identification-not-required': () => 'Per questa richiesta il servizio centrale non richiede l’identificazione in presenza.',
  'conflict.stale-version': () =>
    'La richiesta è cambiata sul servizio centrale dopo i controlli allo sportello (ad esempio il documento dichiarato): ricontrollarla e ripetere l’identificazione.',
  'conflict.unknown': (p: { code: string }) => `Il servizio centrale non ha accettato l’esito (codice ${p.code}): contattare l’assistenza.`,
  'dead.request-not-found': () => 'Il servizio centrale non conosce questa richiesta.',
  'dead.idempotency-key-reused': () =>
    'Il servizio centrale ha già ricevuto un esito diverso con lo stesso identificativo: contattare l’assistenza.',
  'dead.payload-corrupt': () =>
    'I dati dell’esito salvati sul computer risultano alterati: non sono stati inviati. Contattare l’assistenza.',
  'dead.rejected': () => 'Il servizio centrale ha rifiutato i dati dell’esito come non validi.',
  'dead.not-permitted': () =>
    'Il servizio centrale non ha accettato l’esito: l’account che lo ha registrato non è (più) abilitato a identificare. Far ripetere l’identificazione da un operatore abilitato.',
  'dead.identity-mismatch': () =>
    'Il servizio centrale non ha accettato l’esito: è stato inviato con l’accesso di un operatore, un ufficio o un computer diversi da chi lo ha registrato. Contattare l’assistenza.',
  /** A problem code this version does not know (written by a newer one, or by hand). */
  'dead.unknown': (p: { code: string }) => `Esito non inviabile (codice ${p.code}): contattare l’assistenza.`,
} satisfies Record<string, (params: never, say: Say) => string>;

export type MessageKey = keyof typeof italianMessages;
export type ParamsOf<K extends MessageKey> = Parameters<(typeof italianMessages)[K]>[0];

/** What happened, without words: a key of the catalogue and its values. */
export type Message = {
  [K in MessageKey]: ParamsOf<K> extends undefined ? { key: K; params?: undefined } : { key: K; params: ParamsOf<K> };
}[MessageKey];

/** Another language's catalogue: the same keys, the same params. */
export type MessageCatalogue = { [K in MessageKey]: (params: ParamsOf<K>, say: Say) => string };

/** The message worded by `catalogue`; a key it does not have, or params it cannot word, give null. */
export function wordMessage(catalogue: MessageCatalogue, message: NestedMessage): string | null {
  const words = (catalogue as Record<string, ((params: unknown, say: Say) => string) | undefined>)[message.key];
  if (typeof words !== 'function' || !Object.hasOwn(catalogue, message.key)) return null;
  const say: Say = (nested) => {
    const text = wordMessage(catalogue, nested);
    if (text === null) throw new Error('unworded');
    return text;
  };
  try {
    return words(message.params ?? {}, say);
  } catch {
    return null;
  }
}

/** The Italian words of a message built by the domain or the core (always worded: the types see to it). */
export function italian(message: Message): string {
  return wordMessage(italianMessages as MessageCatalogue, message) ?? message.key;
}

/** A message with its Italian words: what domain errors, findings and core failures carry. */
export function worded(message: Message): { message: string; text: Message } {
  return { message: italian(message), text: message };
}
