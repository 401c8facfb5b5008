import { describe, expect, it } from 'vitest';
import { killRun, killRunViolations } from '../fixtures/kill-run';

/**
 * Reliability: a child process runs the sync engine recording and pushing 200+ outcomes
 * and is killed with SIGKILL at random moments, restarted, and drained. After each
 * seeded run: every op id ends acked, conflict or dead with a reason; the central
 * service holds exactly one effect per op id; nothing was lost. (`npm run soak` runs
 * hundreds more.)
 */
const runs = Number(process.env.KILL_RUNS ?? 20);

describe('kill test: SIGKILL at random moments of a push', () => {
  it(`keeps exactly-once over ${runs} seeded runs`, { timeout: runs * 20_000 }, async () => {
    let kills = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const result = await killRun(seed);
      kills += result.kills;
      expect({ seed, violations: killRunViolations(result) }).toEqual({ seed, violations: [] });
      expect(result.outbox.length).toBeGreaterThanOrEqual(200);
    }
    // The kills must actually happen, or the test proves nothing.
    expect(kills).toBeGreaterThanOrEqual(runs);
  });
});
