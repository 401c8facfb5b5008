import { worded, type Message } from '../i18n/messages';

/**
 * Domain functions answer with values, never exceptions: a stable code, and what
 * happened as a message (`text`: a catalogue key and its values, worded in the person's
 * language by the renderer) with its Italian words (`message`).
 */
export interface DomainError<C extends string = string> {
  code: C;
  message: string;
  text: Message;
}

export type DomainResult<T, C extends string = string> = { ok: true; value: T } | { ok: false; error: DomainError<C> };

/** A problem found by a check, placed on the wizard step it belongs to. */
export interface Finding<C extends string = string, S extends string = string> {
  code: C;
  message: string;
  text: Message;
  step: S;
  /** The field it concerns, for showing it beside the field. */
  field?: string;
}

export function domainError<C extends string>(code: C, text: Message): DomainError<C> {
  return { code, ...worded(text) };
}

/** A failed domain result. */
export function refuse<C extends string>(code: C, text: Message): { ok: false; error: DomainError<C> } {
  return { ok: false, error: domainError(code, text) };
}
