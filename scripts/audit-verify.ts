/**
 * `npm run audit:verify -- --data-dir DIR [--central-url URL]`: checks the hash-chained
 * audit trail of a desk's local store against itself and against every head the central
 * service signed whose receipt the desk keeps (each must be this desk's, signed, and
 * still match), and prints the first broken link. With `--central-url` the service's
 * published keys are fetched afresh (keys kept in the store could have been swapped by
 * whoever rewrote it). It cannot see receipts deleted from the store: the app's own
 * verification, online, also asks the service for its latest receipt. Exit 0 when
 * intact, 1 when broken, 2 on error. The key: SPORTELLO_DB_KEY, else the browser host's key file for DIR (in its own
 * folder, see src-main/browser-host/key-location.ts), else DIR/desk.key left by an older
 * version (Electron's safeStorage-wrapped key is not readable outside the app: export
 * SPORTELLO_DB_KEY there).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { browserHostKeyPath } from '../src-main/browser-host/key-location';
import { parseArgs } from 'node:util';
import { AuditAnchors } from '../src-main/core/audit/anchors';
import { AuditLog } from '../src-main/core/audit/audit-log';
import { createMemoryLogger } from '../src-main/core/log';
import { CentralClient } from '../src-main/core/sync/central-client';
import { DatabaseError, openLocalStore } from '../src-main/core/store/database';
import { databaseKey } from '../src-main/core/store/key';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'central-url': { type: 'string' } } });
if (!values['data-dir']) {
  process.stderr.write('Uso: npm run audit:verify -- --data-dir CARTELLA [--central-url INDIRIZZO]\n');
  process.exit(2);
}
const directory = resolve(values['data-dir']);
try {
  const hostKey = browserHostKeyPath(directory);
  const keyFile = existsSync(hostKey) ? hostKey : join(directory, 'desk.key');
  const store = openLocalStore({ path: join(directory, 'desk.db'), key: databaseKey(keyFile), readonly: true });
  const client = values['central-url'] ? new CentralClient({ baseUrl: values['central-url'] }) : null;
  const anchors = new AuditAnchors({ store, audit: new AuditLog(store), client, logger: createMemoryLogger(), now: Date.now });
  // Asked for, the service's keys must come from it: a failure is not papered over with the store's copy.
  if (client && !(await anchors.refreshKeys())) {
    store.close();
    process.stderr.write(`Servizio centrale non raggiungibile (${values['central-url']}): chiavi di firma non verificate.\n`);
    process.exit(2);
  }
  const result = await anchors.verify(null);
  store.close();
  if (result.ok) {
    const anchored =
      result.anchoredSeq === null ? 'nessun ancoraggio al servizio centrale' : `ancorato fino alla voce ${result.anchoredSeq}`;
    process.stdout.write(`Registro delle attività integro: ${result.entries} voci, ${anchored}.\n`);
    process.exit(0);
  }
  if (result.reason === 'anchor') {
    const after = result.anchoredSeq === null ? 'prima del primo ancoraggio' : `dopo l’ancoraggio alla voce ${result.anchoredSeq}`;
    process.stdout.write(
      `Registro delle attività ALTERATO: non corrisponde più a quanto firmato dal servizio centrale, riscritto ${after} (dalla voce ${result.firstBrokenSeq} in poi).\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `Registro delle attività ALTERATO: primo collegamento rotto alla voce ${result.firstBrokenSeq} (${result.reason}).\n`,
  );
  process.exit(1);
} catch (error) {
  process.stderr.write(`${error instanceof DatabaseError ? error.message : String(error)}\n`);
  process.exit(2);
}
