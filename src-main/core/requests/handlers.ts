import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from '../session/session-manager';
import type { ApplicantRequests } from './applicant-requests';

export function requestsHandlers(requests: ApplicantRequests, session: SessionManager): HandlersOf<'requests.lookup' | 'requests.get'> {
  return {
    'requests.lookup': ({ fiscalCode }) => requests.lookup(fiscalCode, session.operatorId()),
    'requests.get': ({ id }) => requests.get(id, session.operatorId()),
  };
}
