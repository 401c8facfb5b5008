import { Worker } from 'node:worker_threads';
import type { Logger } from '../log';
import { writePage, type PageWrite, type PageWriteParts } from './page-write';

/**
 * Writes pulled pages. A first sync is mostly this (a page of 1,000 is about 35 ms of
 * SQLite and encryption): on its own thread, with its own connection to the store, the
 * main one meanwhile receives and checks the next page, and answers the desk (#20).
 */
export interface PageWriter {
  /** Resolves once the page and its cursor are committed; rejects when they are not (nothing of the page is). */
  write(page: PageWrite): Promise<void>;
  close(): Promise<void>;
}

/** On the main thread's connection (the default; and what takes over if the thread is lost). */
export function inlinePageWriter(parts: PageWriteParts): PageWriter {
  return {
    write: (page) => {
      try {
        writePage(parts, page);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    close: () => Promise.resolve(),
  };
}

/** The thread's writer when the host names its script (falling back to the main thread's), else the main thread's. */
export function pageWriter(parts: PageWriteParts, logger: Logger, thread?: { entry: URL | string; key: Uint8Array }): PageWriter {
  const inline = inlinePageWriter(parts);
  return thread ? workerPageWriter(thread.entry, { path: parts.store.path, key: thread.key }, inline, logger) : inline;
}

/** What the thread is told: the store to open, then pages; what it answers: that it is ready, then each page's fate. */
export interface PageWriterData {
  path: string;
  key: Uint8Array;
}
export type PageWriterAnswer = { ready: true } | { id: number } | { id: number; error: { message: string; code?: string } };

/**
 * The writer's thread: started at the first page, kept while the core lives (unref'd, it
 * never holds the process open), closed with the core (its connection closed first).
 * Pages go one at a time (the pull waits for each before sending the next), so the order
 * of commits is the order of pages.
 * - A thread that cannot start (its script or the store will not open there) has seen no
 *   page: the main thread's connection writes the pages it was given, and all after.
 * - A thread lost once started may have committed the page it held or not: that page is
 *   refused (the pull says so; its cursor, saved only with it, brings it again if it was
 *   not written), and the main thread's connection writes from then on.
 */
export function workerPageWriter(entry: URL | string, store: PageWriterData, fallback: PageWriter, logger: Logger): PageWriter {
  let worker: Worker | null = null;
  let ready = false;
  let lost = false;
  let nextId = 0;
  /** Pages given to the thread (sent once it is ready), by id. */
  const pending = new Map<number, { page: PageWrite; resolve: () => void; reject: (error: Error) => void }>();

  const onLost = (why: string) => {
    if (lost) return;
    lost = true;
    worker = null;
    logger.warn('sync.page-writer-lost', { reason: why, started: ready });
    for (const [id, waiting] of pending) {
      pending.delete(id);
      if (ready) waiting.reject(new Error(`page writer: ${why}`));
      else fallback.write(waiting.page).then(waiting.resolve, waiting.reject);
    }
  };
  const started = (): Worker => {
    if (worker) return worker;
    // The key copied on its own (a Buffer may be a view on a larger shared pool).
    const thread = new Worker(entry, { workerData: { path: store.path, key: new Uint8Array(store.key) } satisfies PageWriterData });
    thread.unref();
    thread.on('message', (answer: PageWriterAnswer) => {
      if ('ready' in answer) {
        ready = true;
        logger.info('sync.page-writer-ready');
        for (const [id, waiting] of pending) thread.postMessage({ id, page: waiting.page });
        return;
      }
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      if ('error' in answer) waiting.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
      else waiting.resolve();
    });
    thread.on('error', (error) => onLost(error.name));
    thread.on('messageerror', (error) => onLost(error.name));
    thread.on('exit', (code) => onLost(`exit ${code}`));
    worker = thread;
    return thread;
  };

  return {
    write(page) {
      if (lost) return fallback.write(page);
      return new Promise<void>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { page, resolve, reject });
        try {
          const thread = started();
          if (ready) thread.postMessage({ id, page });
        } catch (error) {
          onLost((error as Error).name);
        }
      });
    },
    async close() {
      const thread = worker;
      lost = true;
      worker = null;
      if (thread) {
        // Its connection closed before it ends; held open meanwhile (it is unref'd), and
        // ended anyway if it does not answer within the busy timeout and a page's write.
        const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
        thread.ref();
        thread.postMessage({ close: true });
        const stuck = setTimeout(() => void thread.terminate(), 10_000);
        await ended;
        clearTimeout(stuck);
      }
      // The pull is over before the core closes: a page still here was never written (fetched again next time).
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new Error('page writer: closed'));
      }
    },
  };
}
