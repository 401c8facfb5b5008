import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../src-renderer/api/load-once';

/** #20: the events' schemas load after the first screen; a failed load must not stop the events for good. */
describe('the renderer API client', () => {
  it('a failed load of the events’ schemas is tried again at the next call, and a good one kept', async () => {
    let calls = 0;
    const load = loadOnce(async () => {
      calls++;
      if (calls === 1) throw new Error('chunk not found');
      return 'schemas';
    });
    await expect(load()).rejects.toThrow('chunk not found');
    await expect(load()).resolves.toBe('schemas');
    await expect(load()).resolves.toBe('schemas');
    expect(calls).toBe(2);
  });

  it('callers at once share one load', async () => {
    let calls = 0;
    const load = loadOnce(async () => ++calls);
    expect(await Promise.all([load(), load(), load()])).toEqual([1, 1, 1]);
  });
});
