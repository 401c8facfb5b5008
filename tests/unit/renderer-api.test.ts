import { describe, expect, it } from 'vitest';
import { firstAnswers } from '../../src-renderer/api/first-answers';
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

/** #20: the first screen's answers that came with the browser host's first token. */
describe('the first answers', () => {
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('a call asked during the exchange, with no input, takes its answer once; a second of the same, or one with input, goes out', () => {
    const first = firstAnswers<string>();
    const info = first.asked('app.info', {});
    const infoAgain = first.asked('app.info', undefined);
    const withInput = first.asked('session.current', { verbose: true });
    const session = first.asked('session.current', {});
    first.settle({ 'app.info': 'info answer', 'session.current': 'session answer' });
    expect(info()).toBe('info answer');
    expect(infoAgain()).toBeUndefined();
    expect(withInput()).toBeUndefined();
    expect(session()).toBe('session answer');
  });

  it('a call asked after the exchange goes out, and what no call took is dropped', async () => {
    const first = firstAnswers<string>();
    first.asked('app.info', {});
    first.settle({ 'app.info': 'info answer', 'sync.status': 'status answer' });
    expect(first.asked('sync.status', {})()).toBeUndefined();
    await settled();
    // Even a call asked during the exchange that only looks once the rest were dropped.
    const late = firstAnswers<string>();
    const slow = late.asked('app.info', {});
    late.settle({ 'app.info': 'info answer' });
    await settled();
    expect(slow()).toBeUndefined();
  });
});
