import type { RenderedDocumentDto } from '../shared/contract';

/** Saves a file the core produced through the browser's download (the link is revoked later). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Browser host: shows a PDF the core rendered, in a new tab (the browser's viewer prints
 * it); where pop-ups are blocked, downloads it instead. Electron shows its own preview.
 */
export function openPdf(document: RenderedDocumentDto): void {
  const blob = new Blob([Uint8Array.from(atob(document.base64), (char) => char.charCodeAt(0))], { type: 'application/pdf' });
  const url = URL.createObjectURL(blob);
  if (!window.open(url, '_blank')) saveFile(blob, document.fileName);
  setTimeout(() => URL.revokeObjectURL(url), 120_000);
}
