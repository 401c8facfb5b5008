import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields are technical facts only (operation names, codes, counts): never personal data. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** JSON-lines file; created with its folder when missing. */
  file?: string;
  level?: LogLevel;
  /** Also write to stderr (development, CLI). */
  stderr?: boolean;
  clock?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = levelRank[options.level ?? 'info'];
  const clock = options.clock ?? (() => new Date());
  // Private to the user: created 0700 (the data folder too, when the log makes it first).
  if (options.file) mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (levelRank[level] < min) return;
    const line = JSON.stringify({ time: clock().toISOString(), level, event, ...fields }) + '\n';
    if (options.file) {
      try {
        appendFileSync(options.file, line, { mode: 0o600 });
      } catch {
        // A full disk must not take the desk down; stderr still gets the line below.
      }
    }
    if (options.stderr) process.stderr.write(line);
  };
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

/** For tests: keeps lines in memory. */
export function createMemoryLogger(): Logger & { lines: Array<{ level: LogLevel; event: string } & LogFields> } {
  const lines: Array<{ level: LogLevel; event: string } & LogFields> = [];
  const push = (level: LogLevel) => (event: string, fields?: LogFields) => lines.push({ level, event, ...fields });
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
