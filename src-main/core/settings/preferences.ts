import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { localeSchema } from '../../../shared/contract';
import type { Logger } from '../log';

/**
 * Per-installation preferences that must survive a restart before any database exists
 * (the interface language). Written atomically: temp file, then rename.
 */
const preferencesSchema = z.object({
  locale: localeSchema.default('it'),
  /** The central service chosen in Settings (office admin); none means training mode. */
  centralUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
});
export type Preferences = z.infer<typeof preferencesSchema>;

export interface PreferencesStore {
  get(): Preferences;
  update(change: Partial<Preferences>): Preferences;
}

/** Reads the preferences of a data folder without keeping a store (hosts, before choosing the mode). */
export function readPreferences(dataDirectory: string, logger: Logger): Preferences {
  return openPreferences(dataDirectory, logger).get();
}

export function openPreferences(dataDirectory: string, logger: Logger): PreferencesStore {
  const file = join(dataDirectory, 'preferences.json');
  let current: Preferences = { locale: 'it', centralUrl: null };
  try {
    const parsed = preferencesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) current = parsed.data;
    else logger.warn('preferences.invalid', { file: 'preferences.json' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('preferences.unreadable', { file: 'preferences.json' });
  }
  return {
    get: () => ({ ...current }),
    update(change) {
      const next = preferencesSchema.parse({ ...current, ...change });
      if (JSON.stringify(next) === JSON.stringify(current)) return { ...current };
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(next, null, 2), { mode: 0o600 });
      renameSync(temp, file);
      current = next;
      return { ...current };
    },
  };
}
