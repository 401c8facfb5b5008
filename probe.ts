import { DocumentRenderer, loadFonts, loadWording } from './src-main/core/documents/documents';
import { createMemoryLogger } from './src-main/core/log';
import { startCentral } from './central/server';
const central = await startCentral({ seed: 20, seedValue: 3 });
const req = central.store.getRequest('REQ-0000003')!;
const r = new DocumentRenderer(loadFonts('resources'), loadWording('resources'), createMemoryLogger());
const now = new Date('2026-11-22T09:30:00Z');
const office = { code: 'ZZIS00100A', name: 'Istituto', comune: 'Roma' };
for (let i = 0; i < 40; i++) { const t = performance.now(); await r.moduloAdesione(req, office, { id: 'o', displayName: 'Op' }, now); console.log('ms', (performance.now() - t).toFixed(1)); }
await central.close();
