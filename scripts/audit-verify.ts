/**
 * `npm run audit:verify -- --data-dir DIR`: checks the hash-chained audit trail of a desk's
 * local store and prints the first broken link. Exit 0 when intact, 1 when broken, 2 on
 * error. The key: SPORTELLO_DB_KEY, else the browser host's key file for DIR (in its own
 * folder, see src-main/browser-host/key-location.ts), else DIR/desk.key left by an older
 * version (Electron's safeStorage-wrapped key is not readable outside the app: export
 * SPORTELLO_DB_KEY there).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { browserHostKeyPath } from '../src-main/browser-host/key-location';
import { parseArgs } from 'node:util';
import { AuditLog } from '../src-main/core/audit/audit-log';
import { DatabaseError, openLocalStore } from '../src-main/core/store/database';
import { databaseKey } from '../src-main/core/store/key';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
if (!values['data-dir']) {
  process.stderr.write('Uso: npm run audit:verify -- --data-dir CARTELLA\n');
  process.exit(2);
}
const directory = resolve(values['data-dir']);
try {
  const hostKey = browserHostKeyPath(directory);
  const keyFile = existsSync(hostKey) ? hostKey : join(directory, 'desk.key');
  const store = openLocalStore({ path: join(directory, 'desk.db'), key: databaseKey(keyFile), readonly: true });
  const result = new AuditLog(store).verify();
  store.close();
  if (result.ok) {
    process.stdout.write(`Registro delle attività integro: ${result.entries} voci.\n`);
    process.exit(0);
  }
  process.stdout.write(
    `Registro delle attività ALTERATO: primo collegamento rotto alla voce ${result.firstBrokenSeq} (${result.reason}).\n`,
  );
  process.exit(1);
} catch (error) {
  process.stderr.write(`${error instanceof DatabaseError ? error.message : String(error)}\n`);
  process.exit(2);
}
