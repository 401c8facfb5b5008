import { existsSync, readFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import type { SyncStatus } from '../../../shared/contract';
import type { ApplicationParts } from './handlers';

/** What only a working desk can add: its settings and where its queue stands. */
export interface LiveDiagnostics {
  settings: { retentionDays: number; idleLockMinutes: number; offlineSignInDays: number; centralUrl: string };
  sync: SyncStatus;
}

const logLinesShown = 40;

/**
 * "Copia diagnostica": what IT needs to look at a desk, as text: version and mode, the
 * system, the language, the store and configuration state, the settings and the queue
 * (counts only), and the last lines of the log, which never hold personal data (see
 * log.ts). No name, fiscal code or document number is read here.
 */
export function diagnosticsText(parts: ApplicationParts, now: Date): string {
  const live = parts.live?.();
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
  if (live) {
    const { settings, sync } = live;
    lines.push(
      `Servizio centrale: ${settings.centralUrl}`,
      `Impostazioni: conservazione ${settings.retentionDays} giorni, blocco dopo ${settings.idleLockMinutes} minuti, accesso senza collegamento ${settings.offlineSignInDays} giorni`,
      `Sincronizzazione: ${sync.online ? 'in linea' : 'non in linea'}; in coda ${sync.pending}; problemi ${sync.problems}; ultima ricezione ${sync.lastPullAt ?? '—'}; ultimo invio ${sync.lastPushAt ?? '—'}`,
    );
  }
  const log =
    parts.logFile && existsSync(parts.logFile) ? readFileSync(parts.logFile, 'utf8').trimEnd().split('\n').slice(-logLinesShown) : [];
  lines.push('', `Ultime righe del registro (${parts.logFile ?? 'nessun file'}):`, ...log);
  return `${lines.join('\n')}\n`;
}
