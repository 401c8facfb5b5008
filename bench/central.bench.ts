import type { BenchCase } from './harness';
import { runCentralLoad } from './central-load';

/**
 * The central service under load, a tenth of the national scale (50,000 requests, 800
 * offices × 2 desks, a 30-second peak): `npm run central:load` runs the whole of it.
 */
export const centralLoad: BenchCase = {
  name: 'central-load',
  run: () => runCentralLoad({ scale: 0.1, peakSeconds: 30 }),
};
