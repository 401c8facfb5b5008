/**
 * The page writer's thread when the app runs from its sources (tsx: the browser host,
 * tests, the bench). The Electron host does not import this: its build starts the bundled
 * page-writer-worker.js.
 */
export const sourcePageWriterWorker = new URL('./page-writer-worker.source.mjs', import.meta.url);
