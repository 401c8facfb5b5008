import type { OperationName } from '../../shared/contract';
import type { SessionInfo } from '../../shared/contract/sync';
import { ServiceFailure } from './dispatcher';

/**
 * Who may call each operation. `public`: anyone, also signed out or locked (what the
 * sign-in and lock screens need, and nothing personal). `operator`: a signed-in,
 * unlocked operator of the office. `office-admin`: the head teacher or the DSGA. The
 * type makes every operation appear here: a new one cannot be forgotten.
 */
export type Access = 'public' | 'operator' | 'office-admin';

export const operationAccess: Record<OperationName, Access> = {
  'app.info': 'public',
  'app.setLocale': 'public',
  'app.installUpdate': 'public',
  'session.signIn': 'public',
  'session.current': 'public',
  'session.signOut': 'public',
  'session.unlock': 'public',
  'session.touch': 'public',
  'sync.status': 'public',
  'session.lock': 'operator',
  'session.goOnline': 'operator',
  'requests.lookup': 'operator',
  'requests.get': 'operator',
  'drafts.get': 'operator',
  'drafts.save': 'operator',
  'identifications.confirm': 'operator',
  'identifications.refuse': 'operator',
  'identifications.list': 'operator',
  'documents.render': 'operator',
  'documents.print': 'operator',
  'sync.retryNow': 'operator',
  'sync.problems': 'operator',
  'sync.markHandled': 'operator',
  'settings.get': 'operator',
  'settings.update': 'office-admin',
  'identifications.exportCsv': 'office-admin',
  'audit.verify': 'office-admin',
  'data.purge': 'office-admin',
  'data.erase': 'office-admin',
};

/** Throws the person's reason when `session` may not call `operation`. */
export function checkAccess(operation: OperationName, session: SessionInfo | null): void {
  const access = operationAccess[operation];
  if (access === 'public') return;
  if (!session) throw new ServiceFailure('not-signed-in', 'Accedere per continuare.');
  if (session.locked) throw new ServiceFailure('session-locked', 'Sessione bloccata: inserire la password per continuare.');
  if (access === 'office-admin' && session.operator.role !== 'office-admin') {
    throw new ServiceFailure('forbidden', 'Operazione riservata al dirigente scolastico o al DSGA.');
  }
}
