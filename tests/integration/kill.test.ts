import { describe, expect, it } from 'vitest';
import { killChain, killChainTally, killChainViolations, killPoints } from '../fixtures/kill-run';

/**
 * Reliability: a desk's process confirms applicants through the desk's confirm operation
 * and is killed with SIGKILL at a seeded step of each push (see kill-run.ts), restarted
 * on the same files, and left to finish. Every run kills, at each point in turn; after
 * the chain: each outcome ends accepted (or refused for its annulled request), the
 * service holds one effect per op id, no outcome is lost or doubled, and each outcome
 * has its audit entry. Against PostgreSQL when the run has a cluster (`npm test` does).
 * `npm run soak` runs a thousand kills.
 */
const runs = Number(process.env.KILL_RUNS ?? 15);

describe('kill test: SIGKILL at each step of a push', () => {
  it(`keeps exactly-once over ${runs} kills`, { timeout: 30_000 + runs * 5_000 }, async () => {
    const result = await killChain(1, { runs });
    expect(killChainViolations(result)).toEqual([]);
    expect(killChainTally(result)).toEqual({ lost: 0, duplicated: 0 });
    // Every confirmation the operator saw answered is among the outcomes kept.
    expect(result.told.length).toBeGreaterThan(0);
    // Every run killed its process, and at every point of the push.
    expect(result.unkilled).toBe(0);
    for (const point of killPoints) expect({ point, kills: result.kills[point] }).toEqual({ point, kills: runs / killPoints.length });
    expect(result.outbox.length).toBe(runs);
    expect(result.outbox.filter((row) => row.state === 'conflict').length).toBe(result.annulled.length);
    expect(result.annulled.length).toBeGreaterThan(0);
  });
});
