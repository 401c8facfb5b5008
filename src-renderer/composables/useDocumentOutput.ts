import { ref } from 'vue';
import type { AppError, DocumentRequest } from '../../shared/contract';
import { deskApi } from '../api';
import { openPdf } from '../downloads';

/**
 * Renders a document and puts it in front of the operator: Electron opens its print
 * preview, the browser host a tab with the PDF. `error` holds why it could not (shown
 * with `ErrorAlert`), `busy` disables the button meanwhile (`PrintButton`).
 */
export function useDocumentOutput() {
  const busy = ref(false);
  const error = ref<AppError | null>(null);

  async function output(document: DocumentRequest): Promise<void> {
    busy.value = true;
    error.value = null;
    const printed = await deskApi().call('documents.print', document);
    busy.value = false;
    if (!printed.ok) error.value = printed.error;
    else if (printed.value.mode === 'download') openPdf(printed.value.document);
  }

  return { busy, error, output };
}
export type DocumentOutput = ReturnType<typeof useDocumentOutput>;
