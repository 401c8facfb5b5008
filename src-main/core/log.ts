import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
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
  /** The file is rotated before it grows past this (default 5 MB): `file.1`, `file.2`… */
  maxBytes?: number;
  /** Old files kept (default 3); the oldest goes. */
  keep?: number;
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
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  let size = options.file && existsSync(options.file) ? statSync(options.file).size : 0;
  /** main.log → main.log.1 → … → main.log.<keep>; the oldest is overwritten. */
  const rotate = (file: string) => {
    for (let index = keep - 1; index >= 1; index--)
      if (existsSync(`${file}.${index}`)) renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    renameSync(file, `${file}.1`);
    size = 0;
  };
  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (levelRank[level] < min) return;
    const line = JSON.stringify({ time: clock().toISOString(), level, event, ...fields }) + '\n';
    if (options.file) {
      try {
        const bytes = Buffer.byteLength(line);
        if (size > 0 && size + bytes > maxBytes) rotate(options.file);
        appendFileSync(options.file, line, { mode: 0o600 });
        size += bytes;
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
