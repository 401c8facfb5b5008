import type { FiscalCodeErrorCode } from '../domain/fiscal-code';

/**
 * The stable codes of the errors the core answers with (`error.code`), beside the
 * transport's own (`transportErrorCodes`). The renderer may branch on these; the
 * Italian message that goes with each is the core's (src-main/core/rpc/failures.ts).
 */
export const serviceErrorCodes = [
  // Access
  'not-signed-in',
  'session-locked',
  'forbidden',
  // Sign-in, unlock, the password at confirmation
  'invalid-credentials',
  'wrong-password',
  'sign-in-delayed',
  'central-unreachable',
  'central-error',
  'offline-clock',
  'offline-expired',
  'office-not-allowed',
  'session-active',
  'store-office-mismatch',
  'not-permitted',
  'device-not-recognised',
  'password-change-required',
  'password-rejected',
  // The core could not start: IT's configuration, or the local store (see store errors)
  'machine-config-invalid',
  'store-unavailable',
  'wrong-key',
  'corrupt',
  'not-encrypted',
  'newer-version',
  'read-only',
  'locked',
  'disk-full',
  'cannot-open',
  // Updates
  'identification-in-progress',
  'no-update',
  // The desk
  'request-not-found',
  'identification-not-found',
  'identification-unreadable',
  'identification-blocked',
  'warnings-not-acknowledged',
  'refusal-note-needed',
  'problem-not-found',
  // Settings and data protection
  'managed-setting',
  'erasure-pending',
  // Operators of the office (office administrators)
  'username-taken',
  'operator-not-found',
  'central-refused',
  // The archive: a range of days the wrong way round, or longer than it reads at once
  'invalid-range',
] as const;

/** A fiscal code typed or scanned that does not read: `fiscal-code-` and the domain's reason. */
export type FiscalCodeServiceErrorCode = `fiscal-code-${FiscalCodeErrorCode}`;

export type ServiceErrorCode = (typeof serviceErrorCodes)[number] | FiscalCodeServiceErrorCode;
