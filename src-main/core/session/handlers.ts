import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from './session-manager';

export type SessionOperation =
  'session.signIn' | 'session.current' | 'session.signOut' | 'session.lock' | 'session.unlock' | 'session.goOnline' | 'session.touch';

export function sessionHandlers(session: SessionManager): HandlersOf<SessionOperation> {
  return {
    'session.signIn': ({ officeCode, username, password, newPassword }) =>
      session.signIn(officeCode, username, password, newPassword ?? null),
    'session.current': () => session.current(),
    'session.signOut': () => {
      session.signOut();
      return null;
    },
    'session.lock': () => {
      session.lock();
      return session.current();
    },
    'session.unlock': ({ password }) => session.unlock(password),
    'session.goOnline': ({ password }) => session.goOnline(password),
    'session.touch': () => {
      session.touch();
      return null;
    },
  };
}
