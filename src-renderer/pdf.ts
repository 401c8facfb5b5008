import type { RenderedDocumentDto } from '../shared/contract';

/**
 * Browser host: shows a PDF the core rendered, in a new tab (the browser's viewer prints
 * it); where pop-ups are blocked, downloads it instead. Electron shows its own preview.
 */
export function openPdf(document: RenderedDocumentDto): void {
  const bytes = Uint8Array.from(atob(document.base64), (char) => char.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  const opened = window.open(url, '_blank');
  if (!opened) {
    const link = window.document.createElement('a');
    link.href = url;
    link.download = document.fileName;
    link.click();
  }
  setTimeout(() => URL.revokeObjectURL(url), 120_000);
}
