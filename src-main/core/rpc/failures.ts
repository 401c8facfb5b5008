import type { FiscalCodeServiceErrorCode, ServiceErrorCode } from '../../../shared/contract';
import {
  worded,
  type ManagedSetting,
  type Message,
  type PasswordCheck,
  type WrongPasswordCost as CostInWords,
} from '../../../shared/i18n/messages';
import type { DatabaseErrorCode } from '../store/database';

export type { PasswordCheck };

/**
 * A failure the core means to report to the person: a stable code from the contract's
 * `serviceErrorCodes`, what happened as a message (`text`, worded in the person's
 * language by the renderer) and its Italian words. Anything else thrown by a service is
 * a bug: logged, and answered as `internal`.
 */
export class ServiceFailure extends Error {
  readonly text: Message;
  constructor(
    readonly code: ServiceErrorCode,
    text: Message,
  ) {
    const { message } = worded(text);
    super(message);
    this.name = 'ServiceFailure';
    this.text = text;
  }
}

const fail = (code: ServiceErrorCode, text: Message) => new ServiceFailure(code, text);

/** What a wrong password costs now: the attempts left before a wait, or the wait. */
export type WrongPasswordCost = { waitMs: number } | { attemptsLeft: number } | null;

/** …as the messages carry it (whole seconds). */
function inSeconds(cost: WrongPasswordCost): CostInWords {
  if (!cost || !('waitMs' in cost)) return cost;
  return { waitSeconds: Math.ceil(cost.waitMs / 1000) };
}

/** The error catalogue: one constructor per failure; the words are shared/i18n's. */
export const failures = {
  notSignedIn: () => fail('not-signed-in', { key: 'service.not-signed-in' }),
  sessionLocked: () => fail('session-locked', { key: 'service.session-locked' }),
  forbidden: () => fail('forbidden', { key: 'service.forbidden' }),

  invalidCredentials: (cost: WrongPasswordCost) =>
    fail('invalid-credentials', { key: 'service.invalid-credentials', params: { cost: inSeconds(cost) } }),
  wrongPassword: (check: PasswordCheck, cost: WrongPasswordCost) =>
    fail('wrong-password', { key: 'service.wrong-password', params: { check, cost: inSeconds(cost) } }),
  signInDelayed: (waitMs: number) =>
    fail('sign-in-delayed', { key: 'service.sign-in-delayed', params: { waitSeconds: Math.ceil(waitMs / 1000) } }),
  /** `offlineDays`: at sign-in, the offline window; null: an offline session that stays offline. */
  centralUnreachable: (offlineDays: number | null) =>
    fail(
      'central-unreachable',
      offlineDays === null
        ? { key: 'service.central-unreachable-offline' }
        : { key: 'service.central-unreachable', params: { offlineDays } },
    ),
  notPermitted: () => fail('not-permitted', { key: 'service.not-permitted' }),
  deviceNotRecognised: () => fail('device-not-recognised', { key: 'service.device-not-recognised' }),
  cannotIdentify: () => fail('not-permitted', { key: 'service.cannot-identify' }),
  passwordChangeRequired: () => fail('password-change-required', { key: 'service.password-change-required' }),
  /** The central service refused the new password (too short, or the temporary one). */
  passwordRejected: () => fail('password-rejected', { key: 'service.password-rejected' }),
  usernameTaken: (username: string) => fail('username-taken', { key: 'service.username-taken', params: { username } }),
  operatorsOffline: () => fail('central-unreachable', { key: 'service.operators-offline' }),
  notOnYourself: () => fail('forbidden', { key: 'service.not-on-yourself' }),
  operatorNotFound: () => fail('operator-not-found', { key: 'service.operator-not-found' }),
  rangeBackwards: () => fail('invalid-range', { key: 'service.range-backwards' }),
  /** The rows are gone, but the WAL could not be emptied (the pull's page writer held it): the erasure is to be repeated. */
  erasureUnfinished: () => fail('locked', { key: 'service.erasure-unfinished' }),
  trainingOnly: () => fail('forbidden', { key: 'service.training-only' }),
  trainingOffline: () => fail('central-unreachable', { key: 'service.training-offline' }),
  exerciseNotFound: () => fail('request-not-found', { key: 'service.exercise-not-found' }),
  rangeTooLong: (maxDays: number) => fail('invalid-range', { key: 'service.range-too-long', params: { maxDays } }),
  centralRefused: () => fail('central-refused', { key: 'service.central-refused' }),
  centralError: () => fail('central-error', { key: 'service.central-error' }),
  offlineClock: () => fail('offline-clock', { key: 'service.offline-clock' }),
  offlineExpired: (offlineDays: number) => fail('offline-expired', { key: 'service.offline-expired', params: { offlineDays } }),
  sessionActive: (displayName: string) => fail('session-active', { key: 'service.session-active', params: { displayName } }),
  storeOfficeMismatch: (storeOffice: string) =>
    fail('store-office-mismatch', { key: 'service.store-office-mismatch', params: { storeOffice } }),
  officeNotAllowed: (office: { code: string; name: string }) =>
    fail('office-not-allowed', { key: 'service.office-not-allowed', params: { code: office.code, name: office.name } }),

  machineConfigInvalid: (path: string) => fail('machine-config-invalid', { key: 'service.machine-config-invalid', params: { path } }),
  /** The store could not be opened: its own code and message (src-main/core/store/database.ts). */
  storeUnavailable: (error: { code: DatabaseErrorCode; text: Message } | null) =>
    error ? fail(error.code, error.text) : fail('store-unavailable', { key: 'service.store-unavailable' }),

  identificationInProgress: () => fail('identification-in-progress', { key: 'service.identification-in-progress' }),
  noUpdate: () => fail('no-update', { key: 'service.no-update' }),

  fiscalCode: (reason: FiscalCodeServiceErrorCode, text: Message) => fail(reason, text),
  requestNotFound: () => fail('request-not-found', { key: 'service.request-not-found' }),
  identificationNotFound: () => fail('identification-not-found', { key: 'service.identification-not-found' }),
  identificationUnreadable: () => fail('identification-unreadable', { key: 'service.identification-unreadable' }),
  identificationBlocked: (findings: Message[]) =>
    fail('identification-blocked', { key: 'service.identification-blocked', params: { findings } }),
  warningsNotAcknowledged: (warnings: Message[]) =>
    fail('warnings-not-acknowledged', { key: 'service.warnings-not-acknowledged', params: { warnings } }),
  refusalNoteNeeded: () => fail('refusal-note-needed', { key: 'service.refusal-note-needed' }),
  problemNotFound: () => fail('problem-not-found', { key: 'service.problem-not-found' }),

  managedSetting: (setting: ManagedSetting, path: string) =>
    fail('managed-setting', { key: 'service.managed-setting', params: { setting, path } }),
  erasurePending: (waiting: number) => fail('erasure-pending', { key: 'service.erasure-pending', params: { waiting } }),
} as const;
