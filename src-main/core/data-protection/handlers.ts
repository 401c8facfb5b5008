import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from '../session/session-manager';
import type { DataProtection } from './data-protection';

export function dataProtectionHandlers(protection: DataProtection, session: SessionManager): HandlersOf<'data.purge' | 'data.erase'> {
  return {
    'data.purge': () => protection.purge(session.operatorId()),
    'data.erase': ({ fiscalCode }) => protection.erase(fiscalCode, session.operatorId()),
  };
}
