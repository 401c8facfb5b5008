import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  crashReporter,
  dialog,
  ipcMain,
  Menu,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import electronUpdater from 'electron-updater';
import { startTrainingCentral, trainingDataDirectory } from '../../central/training';
import type { AppEvent, Locale } from '../../shared/contract';
import { ipcEventChannel } from '../../shared/contract/bridge';
import { productName } from '../core/application/handlers';
import { createCore, type Core } from '../core/app';
import { createLogger } from '../core/log';
import { chooseCentralUrl, machineConfigPath, readMachineConfig } from '../core/settings/machine-config';
import { readPreferences } from '../core/settings/preferences';
import { applyProxy } from './proxy';
import { builtInFeedUrl, startUpdates, updatePolicy, type Updates } from './updates';
import { readInstallFacts } from './install-kind';
import { electronDatabaseKey } from './database-key';
import { appEntryUrl, appOrigin } from './constants';
import { denyAllPermissions, installWebContentsGuards } from './hardening';
import { registerOperationHandlers } from './ipc';
import { localDataDirectory, moveDeskDataOnce } from './local-data';
import { applicationMenuTemplate, type MenuCommands } from './menu';
import { openPrintPreview } from './print-preview';
import { appSchemePrivileges, serveRenderer } from './protocol';
import { createMainWindow } from './window';

const chromiumLocales = { it: 'it-IT', en: 'en-GB' } as const;

// electron-vite dev server (development only); packaged builds always use app://desk.
const devRendererUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

function isAppUrl(url: string): boolean {
  if (url.startsWith(`${appOrigin}/`)) return true;
  return devRendererUrl !== undefined && url.startsWith(new URL(devRendererUrl).origin + '/');
}

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
// Windows: the desk's data off the roaming profile, where SQLite's WAL breaks; an older store moves once.
const roamingUserData = app.getPath('userData');
const deskUserData = localDataDirectory(process.platform, process.env, roamingUserData, productName);
if (deskUserData !== roamingUserData) {
  moveDeskDataOnce(roamingUserData, deskUserData);
  app.setPath('userData', deskUserData);
}
// Chromium speaks the app's language (dates, the print dialog, the PDF viewer), not the OS's: set before ready.
app.commandLine.appendSwitch('lang', chromiumLocales[readPreferences(app.getPath('userData'), createLogger()).locale]);
// Crash dumps stay on this PC (IT may collect them from the crash folder); nothing is uploaded.
crashReporter.start({ uploadToServer: false, productName });

const closeWithDraftQuestion = {
  type: 'question' as const,
  buttons: ['Continua l’identificazione', 'Chiudi comunque'],
  defaultId: 0,
  cancelId: 0,
  title: 'Sportello Identificazione',
  message: 'C’è un’identificazione iniziata e non conclusa.',
  detail: 'Chiudendo, i dati inseriti nella procedura guidata vanno persi (gli esiti già confermati restano in coda e non si perdono).',
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let core: Core | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  installWebContentsGuards(app, isAppUrl);

  void app.whenReady().then(async () => {
    const userData = app.getPath('userData');
    // IT's machine-wide file first: it wins over the user's settings; if invalid, nothing starts
    // (the window shows which field is wrong).
    const machine = readMachineConfig(process.env.SPORTELLO_MACHINE_CONFIG ?? machineConfigPath());
    const machineConfig = machine.status === 'valid' ? machine.config : null;
    await applyProxy(session.defaultSession, machineConfig?.proxy);
    const configuredCentral = chooseCentralUrl(
      machine,
      process.env.SPORTELLO_CENTRAL_URL,
      readPreferences(userData, createLogger()).centralUrl,
    );
    // No central service configured: training mode with the embedded reference service.
    const training = configuredCentral || machine.status === 'invalid' ? null : await startTrainingCentral(userData);
    const dataDirectory = training ? trainingDataDirectory(userData) : userData;
    // Electron's own log folder (what IT looks for), one file per mode; rotated by size.
    const logFile = join(app.getPath('logs'), training ? 'training.log' : 'main.log');
    const logger = createLogger({ file: logFile });
    let updates: Updates | null = null;
    core = createCore({
      dataDirectory,
      version: app.getVersion(),
      mode: training ? 'training' : 'production',
      logger,
      // With an invalid machine-wide file the core opens nothing and never calls this address.
      centralUrl: training?.url ?? configuredCentral ?? 'http://127.0.0.1:9',
      machineConfig: machine,
      updates: {
        ready: () => updates?.ready() ?? null,
        install: () => updates?.install() ?? false,
        mode: () => updates?.mode() ?? 'not-installed',
      },
      databaseKey: electronDatabaseKey(safeStorage, join(dataDirectory, 'desk.key.enc'), join(dataDirectory, 'desk.key'), logger),
      // Electron's net: the system proxy and the OS certificate store.
      fetch: (input, init) => net.fetch(input, init),
      // Pulled pages are written on a thread of its own (the build's second main entry).
      pageWriterWorker: join(import.meta.dirname, 'page-writer-worker.js'),
      // Fonts and document wording ship inside the app (asar); Electron's fs reads them there.
      resourcesDirectory: join(app.getAppPath(), 'resources'),
      preferencesDirectory: userData,
      logFile,
      copyText: (text) => clipboard.writeText(text),
      printDocument: async (document) => {
        openPrintPreview(BrowserWindow, document);
      },
    });
    app.on('will-quit', () => void training?.close());
    if (machine.status !== 'invalid') {
      const installFacts = readInstallFacts({ packaged: app.isPackaged, productName });
      // https only, redirects included: electron-updater's requests (its own session) never go out over http.
      session
        .fromPartition('electron-updater')
        .webRequest.onBeforeRequest({ urls: ['http://*/*'] }, (_details, callback) => callback({ cancel: true }));
      updates = startUpdates({
        updater: () => electronUpdater.autoUpdater,
        policy: updatePolicy({ config: machineConfig, ...installFacts, builtInFeed: builtInFeedUrl(installFacts.appUpdateYml) }),
        fetch: (input, init) => net.fetch(input instanceof URL ? input.href : input, init),
        onQuit: (listener) => app.on('quit', (_event, exitCode) => listener(exitCode)),
        logger,
        onReady: (version) => core?.events.publish({ name: 'app.updateReady', payload: { version } }),
      });
    }

    // The desk locks with the computer: screen locked by the OS, or the machine suspended.
    powerMonitor.on('lock-screen', () => core?.lockSession());
    powerMonitor.on('suspend', () => core?.lockSession());

    denyAllPermissions(session.defaultSession);
    // The menu speaks the app's language and follows it when it changes.
    const menuCommands: MenuCommands = {
      go: (to) => mainWindow?.webContents.send(ipcEventChannel, { name: 'app.navigate', payload: { to } } satisfies AppEvent),
      lock: () => core?.lockSession(),
      openLogFolder: () => void shell.openPath(app.getPath('logs')),
    };
    const installMenu = (locale: Locale) =>
      Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(process.platform, productName, locale, menuCommands)));
    const info = await core.call('app.info', {});
    installMenu(info.ok ? info.value.locale : 'it');
    core.events.subscribe((event) => event.name === 'app.localeChanged' && installMenu(event.payload.locale));
    serveRenderer(protocol, join(import.meta.dirname, '../renderer'));
    registerOperationHandlers(ipcMain, core.dispatch, isAppUrl, logger);

    const preload = join(import.meta.dirname, '../preload/index.cjs');
    mainWindow = createMainWindow(preload, devRendererUrl ?? appEntryUrl);
    const unsubscribe = core.events.subscribe((event) => mainWindow?.webContents.send(ipcEventChannel, event));
    // Drafts live in memory: closing with an identification under way asks first.
    mainWindow.on('close', (event) => {
      if (!core?.identificationInProgress() || !mainWindow) return;
      const choice = dialog.showMessageBoxSync(mainWindow, closeWithDraftQuestion);
      if (choice === 0) event.preventDefault();
    });
    // A crashed or killed renderer: reload the page (the wizard's draft lives in this process and comes back).
    mainWindow.webContents.on('render-process-gone', (_event, details) => {
      logger.error('renderer.gone', { reason: details.reason, exitCode: details.exitCode });
      if (details.reason !== 'clean-exit') mainWindow?.webContents.reload();
    });
    mainWindow.on('closed', () => {
      unsubscribe();
      mainWindow = null;
    });
  });

  app.on('window-all-closed', () => {
    void core?.close().finally(() => app.quit());
  });
}
