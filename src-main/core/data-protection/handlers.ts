import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from '../session/session-manager';
import type { DataProtection } from './data-protection';

export function dataProtectionHandlers(
  protection: DataProtection,
  session: SessionManager,
): HandlersOf<'data.purge' | 'data.purgePreview' | 'data.erase' | 'data.erasePreview'> {
  return {
    'data.purge': () => protection.purge(session.operatorId()),
    'data.purgePreview': () => protection.previewPurge(session.operatorId()),
    'data.erase': ({ fiscalCode }) => protection.erase(fiscalCode, session.operatorId()),
    'data.erasePreview': ({ fiscalCode }) => protection.previewErasure(fiscalCode, session.operatorId()),
  };
}
