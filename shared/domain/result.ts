/** Domain functions answer with values, never exceptions: a stable code and an Italian message. */
export interface DomainError<C extends string = string> {
  code: C;
  message: string;
}

export type DomainResult<T, C extends string = string> = { ok: true; value: T } | { ok: false; error: DomainError<C> };

/** A problem found by a check, placed on the wizard step it belongs to. */
export interface Finding<C extends string = string, S extends string = string> {
  code: C;
  message: string;
  step: S;
  /** The field it concerns, for showing it beside the field. */
  field?: string;
}
