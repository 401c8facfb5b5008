import { app, BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';

/**
 * Every window of the app is created here, with the hardened options written once
 * (Electron security checklist: isolation, sandbox, no Node in the renderer).
 */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Sportello Identificazione',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // A middle click must not open a link in a new window (Electron checklist: navigation).
      disableBlinkFeatures: 'Auxclick',
      // Packaged, nobody at the PC opens the developer tools (they reach the bridge and the page).
      devTools: !app.isPackaged,
    },
  };
}

export function createMainWindow(preloadPath: string, url: string): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url);
  return window;
}
