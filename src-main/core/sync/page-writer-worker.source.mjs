// The page writer's thread when the app runs from its TypeScript sources (tsx: the browser
// host, tests, the bench): TypeScript is loaded through tsx in this thread too. The built
// Electron app starts its bundled page-writer-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./page-writer-worker.ts');
