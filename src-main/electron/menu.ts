import type { MenuItemConstructorOptions } from 'electron';
import type { Locale } from '../../shared/contract';

/** Where the menu's desk commands take the page (the renderer navigates as its own links do). */
export type MenuDestination = 'desk' | 'archive' | 'problems' | 'settings' | 'about' | 'guide';

export interface MenuCommands {
  go(to: MenuDestination): void;
  lock(): void;
  openLogFolder(): void;
}

const words = {
  it: {
    about: (name: string) => `Informazioni su ${name}`,
    hide: (name: string) => `Nascondi ${name}`,
    hideOthers: 'Nascondi altre',
    unhide: 'Mostra tutte',
    quitMac: (name: string) => `Esci da ${name}`,
    file: 'File',
    closeWindow: 'Chiudi finestra',
    quit: 'Esci',
    deskMenu: 'Sportello',
    desk: 'Sportello',
    archive: 'Archivio',
    problems: 'Problemi',
    settings: 'Impostazioni',
    lock: 'Blocca',
    edit: 'Modifica',
    undo: 'Annulla',
    redo: 'Ripeti',
    cut: 'Taglia',
    copy: 'Copia',
    paste: 'Incolla',
    selectAll: 'Seleziona tutto',
    view: 'Visualizza',
    resetZoom: 'Dimensioni reali',
    zoomIn: 'Ingrandisci',
    zoomOut: 'Riduci',
    fullScreen: 'Schermo intero',
    window: 'Finestra',
    minimize: 'Riduci a icona',
    help: 'Aiuto',
    guide: 'Guida',
    information: 'Informazioni',
    logFolder: 'Apri la cartella dei log',
  },
  en: {
    about: (name: string) => `About ${name}`,
    hide: (name: string) => `Hide ${name}`,
    hideOthers: 'Hide Others',
    unhide: 'Show All',
    quitMac: (name: string) => `Quit ${name}`,
    file: 'File',
    closeWindow: 'Close Window',
    quit: 'Quit',
    deskMenu: 'Desk',
    desk: 'Desk',
    archive: 'Archive',
    problems: 'Problems',
    settings: 'Settings',
    lock: 'Lock',
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    view: 'View',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    fullScreen: 'Full Screen',
    window: 'Window',
    minimize: 'Minimize',
    help: 'Help',
    guide: 'Guide',
    information: 'About',
    logFolder: 'Open the log folder',
  },
} as const;

/**
 * The application menu, in the app's language, without what a desk must not offer: no
 * reload (drafts live in memory), no developer tools (whoever sits at the PC would reach
 * the bridge and the page). The desk's own places and the lock have their shortcuts;
 * Aiuto has the About screen and the folder of the logs for IT. Editing and zoom keep
 * their usual shortcuts. (A guide comes with the help pages of #17.)
 */
export function applicationMenuTemplate(
  platform: NodeJS.Platform,
  productName: string,
  locale: Locale = 'it',
  commands?: MenuCommands,
): MenuItemConstructorOptions[] {
  const w = words[locale];
  const mac = platform === 'darwin';
  const go = (to: MenuDestination) => () => commands?.go(to);
  return [
    ...(mac
      ? [
          {
            label: productName,
            submenu: [
              { role: 'about', label: w.about(productName) },
              { type: 'separator' },
              { role: 'hide', label: w.hide(productName) },
              { role: 'hideOthers', label: w.hideOthers },
              { role: 'unhide', label: w.unhide },
              { type: 'separator' },
              { role: 'quit', label: w.quitMac(productName) },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    { label: w.file, submenu: [mac ? { role: 'close', label: w.closeWindow } : { role: 'quit', label: w.quit }] },
    {
      label: w.deskMenu,
      submenu: [
        { label: w.desk, accelerator: 'CmdOrCtrl+1', click: go('desk') },
        { label: w.archive, accelerator: 'CmdOrCtrl+2', click: go('archive') },
        { label: w.problems, accelerator: 'CmdOrCtrl+3', click: go('problems') },
        { label: w.settings, accelerator: 'CmdOrCtrl+,', click: go('settings') },
        { type: 'separator' },
        { label: w.lock, accelerator: 'CmdOrCtrl+Shift+L', click: () => commands?.lock() },
      ],
    },
    {
      label: w.edit,
      submenu: [
        { role: 'undo', label: w.undo },
        { role: 'redo', label: w.redo },
        { type: 'separator' },
        { role: 'cut', label: w.cut },
        { role: 'copy', label: w.copy },
        { role: 'paste', label: w.paste },
        { role: 'selectAll', label: w.selectAll },
      ],
    },
    {
      label: w.view,
      submenu: [
        { role: 'resetZoom', label: w.resetZoom },
        { role: 'zoomIn', label: w.zoomIn },
        { role: 'zoomOut', label: w.zoomOut },
        { type: 'separator' },
        { role: 'togglefullscreen', label: w.fullScreen },
      ],
    },
    { label: w.window, submenu: [{ role: 'minimize', label: w.minimize }] },
    {
      label: w.help,
      submenu: [
        { label: w.guide, accelerator: 'F1', click: go('guide') },
        { label: w.information, click: go('about') },
        { label: w.logFolder, click: () => commands?.openLogFolder() },
      ],
    },
  ];
}
