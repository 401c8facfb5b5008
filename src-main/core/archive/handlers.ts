import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from '../session/session-manager';
import type { Archive } from './archive';

export function archiveHandlers(
  archive: Archive,
  session: SessionManager,
): HandlersOf<'identifications.list' | 'identifications.ofRequest' | 'identifications.exportCsv'> {
  return {
    'identifications.list': ({ date }) => archive.read(date, session.operatorId()),
    'identifications.ofRequest': ({ requestId }) => archive.ofRequest(requestId, session.operatorId()),
    'identifications.exportCsv': ({ date }) => archive.exportCsv(date, session.operatorId()),
  };
}
