import { reactive } from 'vue';
import type { DomainError } from '../../shared/domain/result';
import type { TypedDateErrorCode } from '../../shared/domain/typed-date';

/**
 * Dates typed that do not read (incomplete, or a day that does not exist), by the id of
 * their field. The field keeps the date empty meanwhile; the form shows this instead of
 * "required", beside the field and in the error summary, and Next stops on it.
 */
const problems = reactive(new Map<string, DomainError<TypedDateErrorCode>>());

export const typedDateProblems = {
  of: (id: string) => problems.get(id),
  set: (id: string, problem: DomainError<TypedDateErrorCode> | null) => (problem ? problems.set(id, problem) : problems.delete(id)),
};
