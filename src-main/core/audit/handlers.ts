import type { HandlersOf } from '../rpc/dispatcher';
import type { AuditLog } from './audit-log';

export function auditHandlers(audit: AuditLog): HandlersOf<'audit.verify'> {
  return { 'audit.verify': () => audit.verify() };
}
