#!/usr/bin/env node
/**
 * Before `npm start` / `npm run dev`: Electron 45 fetches its binary on first use, and
 * electron-vite reads node_modules/electron/path.txt before anything has fetched it
 * ("Electron uninstall"). Loading `electron` runs Electron's own installer first
 * (@electron/get: honours ELECTRON_MIRROR, electron_config_cache and a proxy), once.
 */
try {
  await import('electron');
} catch (error) {
  process.stderr.write(
    `\nImpossibile preparare Electron: ${error instanceof Error ? error.message : String(error)}\n` +
      'Serve una connessione verso il sito di Electron, oppure ELECTRON_MIRROR verso uno specchio interno.\n' +
      "Senza Electron, l'applicazione funziona nel browser: npm run start:browser\n\n",
  );
  process.exit(1);
}
