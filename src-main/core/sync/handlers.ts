import type { HandlersOf } from '../rpc/dispatcher';
import { failures } from '../rpc/failures';
import type { SessionManager } from '../session/session-manager';
import type { SyncEngine } from './engine';

export function syncHandlers(
  engine: SyncEngine,
  session: SessionManager,
): HandlersOf<'sync.status' | 'sync.retryNow' | 'sync.problems' | 'sync.markHandled'> {
  return {
    'sync.status': () => engine.status(),
    'sync.retryNow': ({ opId }) => {
      engine.retryNow(opId);
      return engine.status();
    },
    'sync.problems': () => engine.readProblems(session.operatorId()),
    'sync.markHandled': ({ opId, note }) => {
      if (!engine.markHandled(opId, note, session.operatorId())) throw failures.problemNotFound();
      return engine.problems();
    },
  };
}
