import { parentPort, workerData } from 'node:worker_threads';
import { RequestsRepository } from '../requests/requests-repository';
import { openLocalStore } from '../store/database';
import { writePage, type PageWrite, type PageWriteParts } from './page-write';
import type { PageWriterAnswer, PageWriterData } from './page-writer';
import { SyncStateRepository } from './sync-state-repository';

/**
 * The page writer's thread (see page-writer.ts): its own connection to the store, opened
 * first (then it says it is ready); each message a page written in its transaction, each
 * answer its fate; `close` closes the connection, then the thread ends.
 */
const port = parentPort;
if (!port) throw new Error('page-writer-worker runs as a worker thread');
const { path, key } = workerData as PageWriterData;
// Opened at start: a store that will not open here leaves the pages to the main thread (no page seen yet).
// A page waits for the store as long as another connection holds it (a retention purge of
// many rows can take longer than the main thread's 5 s): only the pull waits, on this thread.
const store = openLocalStore({ path, key: Buffer.from(key), busyTimeoutMs: 120_000 });
const parts: PageWriteParts = { store, requests: new RequestsRepository(store), state: new SyncStateRepository(store) };

port.on('message', (message: { id: number; page: PageWrite } | { close: true }) => {
  if ('close' in message) {
    store.close();
    port.close();
    return;
  }
  let answer: PageWriterAnswer;
  try {
    writePage(parts, message.page);
    answer = { id: message.id };
  } catch (error) {
    answer = { id: message.id, error: { message: (error as Error).message, code: (error as { code?: string }).code } };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true } satisfies PageWriterAnswer);
