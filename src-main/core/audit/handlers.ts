import type { HandlersOf } from '../rpc/dispatcher';
import type { AuditAnchors } from './anchors';

/** Online (the session has a central-service token), the service's latest receipt is asked too. */
export function auditHandlers(anchors: AuditAnchors, session: { currentToken(): string | null }): HandlersOf<'audit.verify'> {
  return { 'audit.verify': () => anchors.verify(session.currentToken()) };
}
