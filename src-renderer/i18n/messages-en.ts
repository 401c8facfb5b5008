import {
  italianLabels,
  type CatalogueLabels,
  type MessageCatalogue,
  type PlacePeriod,
  type WrongPasswordCost,
} from '../../shared/i18n/messages';
import en from './en';

/**
 * The English words of the checks and of the core's answers (the Italian ones, and the
 * keys, are shared/i18n/messages.ts). Typed as the same catalogue: a key missing here,
 * or one with other params, does not compile.
 */

const labels: CatalogueLabels = {
  documentKind: en.documentKinds,
  fiscalCodeField: {
    fiscalCode: 'fiscal code',
    surname: 'surname',
    name: 'name',
    sex: 'sex',
    birthDate: 'date of birth',
    birthPlaceCode: 'place of birth',
  },
  checkDigit: {
    documentNumber: 'document number',
    birthDate: 'date of birth',
    expiryDate: 'expiry date',
    personalNumber: 'personal number',
    composite: 'overall check',
  },
  // Dates read dd/mm/yyyy in both languages (as everywhere in the app).
  formatDate: italianLabels.formatDate,
};
const d = labels.formatDate;

function cost(c: WrongPasswordCost): string {
  if (!c) return '';
  if ('waitSeconds' in c) return ` Too many wrong attempts: the next one is possible in ${c.waitSeconds} seconds.`;
  return c.attemptsLeft === 1 ? ' 1 more attempt before a wait.' : ` ${c.attemptsLeft} more attempts before a wait.`;
}

function placeValidity(periods: PlacePeriod[], birthDate: string): string {
  const first = periods[0]!;
  const last = periods[periods.length - 1]!;
  if (periods.length === 1 && last.to !== null && birthDate > last.to) return `valid until ${d(last.to)}`;
  if (periods.length === 1 && birthDate < first.from) return `valid from ${d(first.from)}`;
  return `valid ${periods.map((p) => (p.to === null ? `from ${d(p.from)}` : `from ${d(p.from)} to ${d(p.to)}`)).join(', ')}`;
}

const fiscalCode = {
  length: 'The fiscal code must have 16 characters.',
  format: 'The fiscal code has characters not allowed in their position.',
  birthPlace: 'The fiscal code gives a place of birth (cadastral code) that does not exist or was not valid on the date of birth.',
};
const store = {
  wrongKey: 'The local archive cannot be opened: the encryption key does not match. The file was not changed. Contact IT support.',
  notEncrypted: 'The local archive file is not encrypted: it will not be used. Contact IT support.',
  newerVersion: 'The local archive was created by a newer version of the application: update the application. The file was not changed.',
};
const who = (delegate: boolean) => (delegate ? 'Delegate’s document' : 'Document');
const fields = (list: Array<keyof CatalogueLabels['fiscalCodeField']>) => list.map((field) => labels.fiscalCodeField[field]).join(', ');

export const englishMessages: MessageCatalogue = {
  'fiscal-code.empty': () => 'Enter the fiscal code.',
  'fiscal-code.length': (p) => `${fiscalCode.length} It has ${p.length}.`,
  'fiscal-code.format': (p) => `${fiscalCode.format} Check the character in position ${p.position}.`,
  'fiscal-code.check-character': () => 'The check character of the fiscal code is wrong: check that it was typed correctly.',
  'fiscal-code.birth-date': () => 'The fiscal code gives a date of birth that does not exist.',
  'fiscal-code.birth-place-unknown': (p) => `${fiscalCode.birthPlace} Code ${p.place} unknown.`,
  'fiscal-code.birth-place-not-then': (p) =>
    `${fiscalCode.birthPlace} Code ${p.place} (${p.name}) ${placeValidity(p.periods, p.birthDate)}: it did not exist on ${d(p.birthDate)}.`,

  'date.incomplete': () => 'Incomplete date: write it as dd/mm/yyyy, for example 27/11/2019.',
  'date.impossible': (p) => `The date ${p.date} does not exist: check it.`,

  'health-card.empty': () => 'Enter the health card number.',
  'health-card.format': () => 'The health card number has digits only.',
  'health-card.length': (p) => `The health card number has 20 digits (this one has ${p.length}).`,
  'health-card.prefix': () => 'The health card number starts with 80380.',
  'health-card.check-digit': () => 'The check digit of the health card number is wrong.',

  'document-number.empty': () => 'Enter the document number.',
  'document-number.kind-format': (p) =>
    `Number not valid for this document (${labels.documentKind[p.kind]}): expected a format like ${p.example}.`,
  'document-number.format': () => 'Number not valid: 4 to 20 letters or digits.',
  'document.invalid-date': () => 'Issue or expiry date not valid.',
  'document.paper-id-card-withdrawn': (p) =>
    `Paper identity cards are no longer valid since ${d(p.cutoff)} (Reg. EU 2019/1157): a CIE or another document is needed.`,
  'document.expiry-before-issue': () => 'The expiry date is before the issue date: check the dates.',
  'document.expiry-missing': () => 'Enter the document’s expiry date.',
  'document.issue-date-in-future': (p) => `The issue date (${d(p.issueDate)}) is after today: check it.`,
  'document.expired': (p) => `Document expired on ${d(p.expiryDate)}.`,
  'document.expiry-not-on-birthday': () =>
    'Identity cards issued from 10/02/2012 expire on the holder’s birthday (DL 5/2012 art. 7): check the expiry date.',
  'document.valid-through': (p) => `Valid through ${d(p.expiryDate)}.`,
  'document.no-expiry': () => 'Document without an expiry date.',

  'mrz.empty': () => 'Enter or scan the machine-readable zone (MRZ).',
  'mrz.lines': () => 'MRZ not recognised: it needs 3 lines of 30 characters (CIE) or 2 lines of 44 (passport).',
  'mrz.unreadable': () => 'MRZ not recognised: check that all of it was read.',
  'mrz.unsupported': () => 'MRZ format not supported.',
  'mrz.check-digit': (p) =>
    `MRZ check digits that do not match (${p.checks.map((name) => labels.checkDigit[name]).join(', ')}): read the MRZ again or check the document.`,
  'mrz.document-number': (p) => `The number in the MRZ (${p.number}) differs from the one entered.`,
  'mrz.birth-date': () => 'The date of birth in the MRZ differs from the request’s.',
  'mrz.sex': () => 'The sex in the MRZ differs from the request’s.',
  'mrz.expiry-date': () => 'The expiry date in the MRZ differs from the one entered.',
  'mrz.surname': () => 'The surname in the MRZ differs from the request’s.',
  'mrz.name': () => 'The name in the MRZ differs from the request’s.',

  'check.request-code-not-confirmed': () => 'The applicant must first confirm online the temporary personal code received by email.',
  'check.request-already-enabled': () => 'The applicant is already enabled.',
  'check.request-annulled': () => 'The enablement request has been annulled.',
  'check.request-expired': () => 'The enablement request has expired: the applicant must submit a new one.',
  'check.identification-not-required': () => 'This request does not need in-person identification (for example, access with SPID).',
  'check.request-fiscal-code-invalid': (p, say) => `Fiscal code of the request: ${say(p.reason)}`,
  'check.fiscal-code-data-mismatch': (p) => `The fiscal code does not match the request’s personal data (${fields(p.fields)}).`,
  'check.document-missing': () => 'Enter the data of the identity document presented.',
  'check.document-problem': (p, say) => `${who(p.delegate)}: ${say(p.reason)}`,
  'check.document-kind-mismatch': (p) =>
    `The document presented (${labels.documentKind[p.presented]}) is not the one declared in the request (${labels.documentKind[p.declared]}).`,
  'check.document-number-mismatch': (p) =>
    `The number of the document presented (${p.presented}) differs from the one declared (${p.declared}).`,
  'check.document-issuer-differs': () => 'The issuing authority differs from the one declared in the request.',
  'check.document-issue-date-differs': () => 'The issue date differs from the one declared in the request.',
  'check.document-expiry-date-differs': () => 'The expiry date differs from the one declared in the request.',
  'check.fiscal-code-card-missing': () => 'Scan or enter the fiscal code from the health card or the fiscal-code card.',
  'check.fiscal-code-card-invalid': (p, say) => `Fiscal code on the card: ${say(p.reason)}`,
  'check.fiscal-code-card-omocode-variant': (p) =>
    `The card carries the code ${p.card}, an omocodia variant of the request’s (${p.request}): it belongs to another person, not to the applicant.`,
  'check.fiscal-code-card-mismatch': (p) => `The fiscal code on the card (${p.card}) differs from the request’s (${p.request}).`,
  'check.fiscal-code-card-expired': () => 'The card has expired: the fiscal code is still readable, but make a note of it.',
  'check.delegate-missing': () => 'Enter the delegate’s data.',
  'check.delegate-fiscal-code-invalid': (p, say) => `Delegate’s fiscal code: ${say(p.reason)}`,
  'check.delegate-fiscal-code-data-mismatch': (p) => `The delegate’s fiscal code does not match their data (${fields(p.fields)}).`,
  'check.delegate-is-applicant': () => 'The delegate cannot be the applicant.',
  'check.delegate-document-missing': () => 'Enter the data of the delegate’s identity document.',
  'check.delegation-form-missing': () => 'The delegation form signed by the applicant is needed.',
  'check.delegate-photocopies-missing': () => 'Collect the photocopies (front and back) of the delegate’s document and fiscal code.',
  'check.module-not-signed': () => 'The applicant must sign the adhesion module in front of the operator.',
  'check.module-not-signed-delegate': () => 'The delegate must hand in the adhesion module filled in and signed by the applicant.',
  'check.photocopies-missing': () => 'Collect the photocopies (front and back) of the applicant’s identity document and fiscal code.',

  'transport.unknown-operation': () => 'Unknown operation.',
  'transport.validation': (p) => `Invalid data: ${p.paths.join(', ')}.`,
  'transport.internal': () => 'Internal error of the application. Try again; if the problem persists, contact support.',
  'transport.unreachable': () => 'Application not reachable: restart it and try again.',
  'transport.browser-session-invalid': () => 'Session not valid: open the address shown when the application started.',
  'transport.address-refused': () => 'Request refused: address not recognised.',
  'transport.origin-refused': () => 'Request refused: origin not allowed.',
  'transport.not-from-app': () => 'Request refused: it does not come from the application.',
  'transport.session-invalid': () => 'Session not valid: open the application again from the address shown when it started.',
  'transport.payload-too-large': () => 'Request too large.',
  'transport.not-json': () => 'Request format not supported: JSON is needed.',
  'transport.json-unreadable': () => 'Request not readable: invalid JSON.',
  'transport.host-error': () => 'Internal error of the application.',
  'transport.launch-code-invalid': () => 'Launch code not valid or already used: restart the host and use the new address.',
  'transport.too-many-streams': () => 'Too many windows open on this session: close some of them.',

  'service.not-signed-in': () => 'No operator signed in: sign in to continue.',
  'service.session-locked': () => 'Session locked: enter the password to continue.',
  'service.forbidden': () => 'Only the head teacher or the DSGA can do this.',
  'service.invalid-credentials': (p) => `School code, username or password not correct.${cost(p.cost)}`,
  'service.wrong-password': (p) =>
    `Wrong password: ${p.check === 'unlock' ? 'the session stays locked.' : 'the confirmation was not recorded.'}${cost(p.cost)}`,
  'service.sign-in-delayed': (p) =>
    `Too many attempts with a wrong password: try again in ${p.waitSeconds} seconds. The wait grows with each new error.`,
  'service.central-unreachable-offline': () =>
    'The central service is still not answering: you stay offline, and outcomes stay in the queue.',
  'service.central-unreachable': (p) =>
    `Central service unreachable. Offline, only those who signed in online on this computer in the last ${p.offlineDays} days can sign in: check the connection and try again.`,
  'service.not-permitted': () =>
    'This account may not identify (permission revoked or account disabled): ask the head teacher or the DSGA.',
  'service.device-not-recognised': () =>
    'The central service does not recognise this computer: its identifier is registered with another key or for another office. Contact the system administrator.',
  'service.cannot-identify': () =>
    'This account may not identify applicants (it can manage operators): ask the head teacher or the DSGA for the permission.',
  'service.password-change-required': () =>
    'First sign-in with the temporary password: choose a new one (at least 10 characters) to continue.',
  'service.password-rejected': () =>
    'The new password was not accepted: it must be at least 10 characters long and differ from the temporary one.',
  'service.username-taken': (p) => `The username “${p.username}” already exists in this office: choose another.`,
  'service.operators-offline': () => 'Managing operators needs the connection to the central service: sign in online and try again.',
  'service.not-on-yourself': () =>
    'Your own account is not changed from here: ask the office’s other administrator (head teacher or DSGA).',
  'service.operator-not-found': () => 'Operator not found in this office: refresh the list.',
  'service.training-only': () => 'Exercises exist in training mode only.',
  'service.training-offline': () =>
    'Exercises are downloaded from the training service: sign in online (or end the simulated outage) and try again.',
  'service.exercise-not-found': () => 'Exercise not found: refresh the list of exercises.',
  'service.range-backwards': () => 'The start date of the period must come before (or be the same as) the end date.',
  'service.erasure-unfinished': () =>
    'Data erased, but the store is busy with synchronisation and could not remove every trace yet: repeat the erasure in a few seconds to complete it.',
  'service.range-too-long': (p) => `The period can be at most ${p.maxDays} days long.`,
  'service.central-refused': () => 'The central service did not accept the request: try again; if it happens again, contact support.',
  'service.central-error': () => 'The central service did not accept the sign-in: try again later.',
  'service.offline-clock': () =>
    'This computer’s clock is behind the last online sign-in: signing in offline is not possible. Check the date and time, or wait for the connection to return.',
  'service.offline-expired': (p) =>
    `Central service unreachable, and the last online sign-in on this computer was more than ${p.offlineDays} days ago: an online sign-in is needed.`,
  'service.session-active': (p) =>
    `${p.displayName} has a session open on this computer: they must sign out (or use “Sign out” on the lock screen) before another operator signs in.`,
  'service.store-office-mismatch': (p) =>
    `On this computer the local archive belongs to office ${p.storeOffice}: one office’s data is never mixed with another’s, so here you cannot sign in for another office. A second office needs another workstation or another user account on the computer: contact the system administrator.`,
  'service.office-not-allowed': (p) =>
    `This computer is configured for office ${p.code} (${p.name}): signing in for another office is not possible.`,
  'service.machine-config-invalid': (p) => `This computer’s configuration (${p.path}) is not valid: contact the system administrator.`,
  'service.store-unavailable': () => 'Local archive not available.',
  'service.identification-in-progress': () =>
    'An identification was started and not finished: confirm or refuse it (or sign out with “Sign out”) before restarting. The update is installed anyway when the application closes.',
  'service.no-update': () => 'No update ready to install.',
  'service.request-not-found': () => 'Request not found on this computer: look it up again.',
  'service.identification-not-found': () => 'Identification not found.',
  'service.identification-unreadable': () => 'The data of this identification cannot be read.',
  'service.identification-blocked': (p, say) => `Confirmation not possible: ${p.findings.map(say).join(' ')}`,
  'service.warnings-not-acknowledged': (p, say) => `Acknowledge the warnings: ${p.warnings.map(say).join(' ')}`,
  'service.refusal-note-needed': () => 'Write the reason for the refusal in the note.',
  'service.problem-not-found': () => 'Problem not found or already handled.',
  'service.managed-setting': (p) =>
    `${p.setting === 'central-url' ? 'Central service address' : 'Data retention'}: set by this computer’s configuration (${p.path}); only the system administrator can change it.`,
  'service.erasure-pending': (p) =>
    `For this fiscal code ${p.waiting === 1 ? 'there is an outcome' : `there are ${p.waiting} outcomes`} not yet accepted by the central service, or a problem to handle: erasure will be possible after sending (or after handling the problem). Nothing was erased.`,

  'store.wrong-key': () => store.wrongKey,
  'store.corrupt': () => 'The local archive is damaged. The file was not changed: IT support can restore it from a copy.',
  'store.corrupt-at': (p) =>
    `The local archive is damaged and was not changed (file: ${p.path}). ${
      p.backup
        ? `Last backup copy: ${p.backup.path}, of ${p.backup.day} at ${p.backup.time}: IT support can put it in place of the damaged file (identifications recorded after that time and not yet sent must be repeated).`
        : 'There is no backup copy: contact IT support.'
    }`,
  'store.not-encrypted': () => store.notEncrypted,
  'store.newer-version': () => store.newerVersion,
  'store.read-only': () => 'The local archive is read-only: check the permissions of the data folder.',
  'store.locked': () => 'The local archive is in use by another instance of the application: close it and try again.',
  'store.disk-full': () => 'The disk is full: free some space and try again.',
  'store.cannot-open': () => 'The local archive cannot be opened: check that the data folder exists and is writable.',
  'store-working.wrong-key': () => store.wrongKey,
  'store-working.not-encrypted': () => store.notEncrypted,
  'store-working.newer-version': () => store.newerVersion,
  'store-working.corrupt': () =>
    'The local archive is damaged: the operation was not recorded. Close the application and contact IT support (at the next start the application checks it and says where the backup copy is).',
  'store-working.read-only': () =>
    'The local archive is read-only: the operation was not recorded and the data entered stay in the form. Check the permissions of the data folder or contact IT support.',
  'store-working.locked': () =>
    'The local archive is in use by another instance of the application: the operation was not recorded and the data entered stay in the form. Close the other instance and try again.',
  'store-working.disk-full': () =>
    'The disk is full: the operation was not recorded and the data entered stay in the form. Free some disk space and try again.',
  'store-working.cannot-open': () =>
    'Error writing the local archive: the operation was not recorded and the data entered stay in the form. Try again; if the problem persists, contact IT support.',

  'conflict.already-enabled': () =>
    'The applicant was already enabled when the confirmation reached the central service: nothing to do on the request.',
  'conflict.request-annulled': () =>
    'The request was annulled on the central service before the confirmation arrived: the applicant must submit a new request.',
  'conflict.request-expired': () =>
    'The request had expired when the confirmation reached the central service: the applicant must submit a new one.',
  'conflict.code-not-confirmed': () =>
    'The applicant had not yet confirmed the temporary personal code: they must do it online, then be identified again.',
  'conflict.identification-not-required': () => 'The central service does not require in-person identification for this request.',
  'conflict.stale-version': () =>
    'The request changed on the central service after the checks at the desk (for example the declared document): check it again and repeat the identification.',
  'conflict.unknown': (p) => `The central service did not accept the outcome (code ${p.code}): contact support.`,
  'dead.request-not-found': () => 'The central service does not know this request.',
  'dead.idempotency-key-reused': () =>
    'The central service already received a different outcome with the same identifier: contact support.',
  'dead.payload-corrupt': () => 'The outcome’s data saved on the computer appear altered: they were not sent. Contact support.',
  'dead.rejected': () => 'The central service rejected the outcome’s data as not valid.',
  'dead.not-permitted': () =>
    'The central service did not accept the outcome: the account that recorded it may not (or no longer) identify. Have an operator with the permission repeat the identification.',
  'dead.identity-mismatch': () =>
    'The central service did not accept the outcome: it was sent with the sign-in of an operator, office or computer other than the one that recorded it. Contact support.',
  'dead.unknown': (p) => `Outcome that cannot be sent (code ${p.code}): contact support.`,
};
