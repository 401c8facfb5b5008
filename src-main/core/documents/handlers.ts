import type { HandlersOf } from '../rpc/dispatcher';
import type { DocumentService } from './service';

export function documentHandlers(documents: DocumentService): HandlersOf<'documents.render' | 'documents.print'> {
  return {
    'documents.render': (input) => documents.render(input),
    'documents.print': (input) => documents.print(input),
  };
}
