import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from '../session/session-manager';
import type { Archive } from './archive';

export function archiveHandlers(
  archive: Archive,
  session: SessionManager,
): HandlersOf<'identifications.list' | 'identifications.ofRequest' | 'identifications.exportCsv' | 'identifications.statistics'> {
  return {
    'identifications.list': ({ from, to }) => archive.read(from, to, session.operatorId()),
    'identifications.ofRequest': ({ requestId }) => archive.ofRequest(requestId, session.operatorId()),
    'identifications.exportCsv': ({ from, to, filters }) => archive.exportCsv(from, to, filters, session.operatorId()),
    'identifications.statistics': ({ from, to }) => archive.statistics(from, to, session.operatorId()),
  };
}
