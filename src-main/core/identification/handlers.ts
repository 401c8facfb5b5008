import type { HandlersOf } from '../rpc/dispatcher';
import type { IdentificationDesk } from './identification-desk';

export type IdentificationOperation = 'drafts.get' | 'drafts.save' | 'identifications.confirm' | 'identifications.refuse';

export function identificationHandlers(desk: IdentificationDesk): HandlersOf<IdentificationOperation> {
  return {
    'drafts.get': ({ requestId }) => desk.draft(requestId),
    'drafts.save': (draft) => {
      desk.saveDraft(draft);
      return null;
    },
    'identifications.confirm': ({ draft, acknowledgedWarnings, password }) => desk.confirm(draft, acknowledgedWarnings, password),
    'identifications.refuse': ({ draft, reasons, note }) => desk.refuse(draft, reasons, note),
  };
}
