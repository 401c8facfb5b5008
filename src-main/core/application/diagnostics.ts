import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { arch, homedir, platform, release } from 'node:os';
import type { SyncStatus } from '../../../shared/contract';
import type { ApplicationParts } from './handlers';

/** What only a working desk can add: its settings and where its queue stands. */
export interface LiveDiagnostics {
  settings: { retentionDays: number; idleLockMinutes: number; offlineSignInDays: number; centralUrl: string };
  sync: SyncStatus;
}

const logLinesShown = 40;
const logTailBytes = 64 * 1024;

/** The end of the log (its last 64 KB, the first partial line dropped): the file can be 5 MB. */
function logTail(file: string): string[] {
  const size = statSync(file).size;
  const start = Math.max(0, size - logTailBytes);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString('utf8').trimEnd().split('\n');
  return (start > 0 ? lines.slice(1) : lines).slice(-logLinesShown);
}

/** What could not be read is said, and the rest still goes (IT needs it most when something is wrong). */
function tryTo<T>(read: () => T): T | string {
  try {
    return read();
  } catch (error) {
    return `non leggibile (${(error as { code?: string }).code ?? (error as Error).name})`;
  }
}

/**
 * "Copia diagnostica": what IT needs to look at a desk, as text: version and mode, the
 * system, the language, the store and configuration state, the settings and the queue
 * (counts only), and the last lines of the log, which never hold personal data (see
 * log.ts). No name, fiscal code or document number is read here.
 */
export function diagnosticsText(parts: ApplicationParts, now: Date): string {
  const live = parts.live ? tryTo(parts.live) : undefined;
  const lines = [
    `Sportello Identificazione ${parts.version} — modalità ${parts.mode === 'training' ? 'di prova' : 'reale'}`,
    `Data: ${now.toISOString()}`,
    `Sistema: ${platform()} ${release()} ${arch()}; Node ${process.versions.node}${process.versions.electron ? `; Electron ${process.versions.electron}` : ''}`,
    `Lingua: ${parts.preferences.get().locale}`,
    `Cartella dei dati: ${parts.dataDirectory}`,
    `Archivio locale: ${parts.storeError ? `non disponibile (${parts.storeError.code})` : 'aperto'}`,
    `Configurazione del computer: ${parts.configError ? `non valida (${parts.configError.problems.length} problemi)` : parts.machineOffice ? `ufficio ${parts.machineOffice.code}` : 'nessuna o senza ufficio'}`,
    `Aggiornamento pronto: ${parts.updates?.ready() ?? 'no'}`,
  ];
  if (typeof live === 'string') lines.push(`Impostazioni e invio: ${live}`);
  else if (live) {
    const { settings, sync } = live;
    lines.push(
      // The origin only: an address typed with a user and password never goes to the clipboard.
      `Servizio centrale: ${tryTo(() => new URL(settings.centralUrl).origin)}`,
      `Impostazioni: conservazione ${settings.retentionDays} giorni, blocco dopo ${settings.idleLockMinutes} minuti, accesso senza collegamento ${settings.offlineSignInDays} giorni`,
      `Sincronizzazione: ${sync.online ? 'in linea' : 'non in linea'}; in coda ${sync.pending}; problemi ${sync.problems}; ultima ricezione ${sync.lastPullAt ?? '—'}; ultimo invio ${sync.lastPushAt ?? '—'}`,
    );
  }
  const log = parts.logFile && existsSync(parts.logFile) ? tryTo(() => logTail(parts.logFile!)) : [];
  lines.push('', `Ultime righe del registro (${parts.logFile ?? 'nessun file'}):`, ...(typeof log === 'string' ? [log] : log));
  // The staff's own account name in paths is not IT's business: the home folder reads "~".
  return `${lines.join('\n')}\n`.replaceAll(homedir(), '~');
}
