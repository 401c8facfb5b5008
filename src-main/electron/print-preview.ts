import { randomUUID } from 'node:crypto';
import { app, type BrowserWindow as BrowserWindowType, type BrowserWindowConstructorOptions } from 'electron';
import type { RenderedDocument } from '../core/documents/documents';
import { appOrigin } from './constants';

/**
 * Print preview in Electron: the PDF opens in its own window, in Chromium's PDF viewer
 * (print button → the system print dialog; download button → save as PDF). The bytes are
 * served from memory at app://desk/__print/<id>.pdf, never written to disk, and dropped
 * when the window closes.
 */
export const printPathPrefix = '/__print/';
const documents = new Map<string, RenderedDocument>();

export function printDocumentBytes(pathname: string): RenderedDocument | null {
  if (!pathname.startsWith(printPathPrefix)) return null;
  return documents.get(pathname.slice(printPathPrefix.length).replace(/\.pdf$/, '')) ?? null;
}

export function previewWindowOptions(title: string): BrowserWindowConstructorOptions {
  return {
    width: 900,
    height: 1000,
    title,
    autoHideMenuBar: true,
    webPreferences: {
      // The PDF viewer is the only plugin, and this window has no preload and no Node.
      plugins: true,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  };
}

export function openPrintPreview(BrowserWindow: typeof BrowserWindowType, document: RenderedDocument): BrowserWindowType {
  const id = randomUUID();
  documents.set(id, document);
  const window = new BrowserWindow(previewWindowOptions(document.title));
  window.on('closed', () => documents.delete(id));
  void window.loadURL(`${appOrigin}${printPathPrefix}${id}.pdf`);
  return window;
}
