import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu, in Italian, without what a desk must not offer: no reload (drafts
 * live in memory), no developer tools (whoever sits at the PC would reach the bridge and
 * the page). Editing and zoom keep their usual shortcuts.
 */
export function applicationMenuTemplate(platform: NodeJS.Platform, productName: string): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac
      ? [
          {
            label: productName,
            submenu: [
              { role: 'about', label: `Informazioni su ${productName}` },
              { type: 'separator' },
              { role: 'hide', label: `Nascondi ${productName}` },
              { role: 'hideOthers', label: 'Nascondi altre' },
              { role: 'unhide', label: 'Mostra tutte' },
              { type: 'separator' },
              { role: 'quit', label: `Esci da ${productName}` },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    { label: 'File', submenu: [mac ? { role: 'close', label: 'Chiudi finestra' } : { role: 'quit', label: 'Esci' }] },
    {
      label: 'Modifica',
      submenu: [
        { role: 'undo', label: 'Annulla' },
        { role: 'redo', label: 'Ripeti' },
        { type: 'separator' },
        { role: 'cut', label: 'Taglia' },
        { role: 'copy', label: 'Copia' },
        { role: 'paste', label: 'Incolla' },
        { role: 'selectAll', label: 'Seleziona tutto' },
      ],
    },
    {
      label: 'Visualizza',
      submenu: [
        { role: 'resetZoom', label: 'Dimensioni reali' },
        { role: 'zoomIn', label: 'Ingrandisci' },
        { role: 'zoomOut', label: 'Riduci' },
        { type: 'separator' },
        { role: 'togglefullscreen', label: 'Schermo intero' },
      ],
    },
    { label: 'Finestra', submenu: [{ role: 'minimize', label: 'Riduci a icona' }] },
  ];
}
