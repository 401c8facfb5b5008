import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src-main/core/log';
import { firstCheckDelayMs, startUpdates, updateCheckIntervalMs, updatePolicy, type Updater } from '../../src-main/electron/updates';
import { FakeUpdater } from '../fixtures/electron-mock';

describe('update policy', () => {
  it('is off in development and when IT disables it; a mirror gets electron-builder’s os/arch layout', () => {
    expect(updatePolicy(null, false, 'win32', 'x64')).toEqual({ enabled: false, reason: 'development' });
    expect(updatePolicy({ updates: { enabled: false } }, true, 'win32', 'x64')).toEqual({ enabled: false, reason: 'policy' });
    expect(updatePolicy(null, true, 'darwin', 'arm64')).toEqual({ enabled: true, feedUrl: null });
    expect(updatePolicy({ updates: { enabled: true, feedUrl: 'https://m.example.invalid/s//' } }, true, 'win32', 'x64')).toEqual({
      enabled: true,
      feedUrl: 'https://m.example.invalid/s/win/x64',
    });
  });

  it('checks 30 s after start and every 12 hours, and never builds the updater when disabled', () => {
    const timers: Array<[string, number, () => void]> = [];
    let built = 0;
    const updater = new FakeUpdater();
    const options = {
      logger: createMemoryLogger(),
      onReady: () => {},
      setTimeout: (callback: () => void, ms: number) => (timers.push(['timeout', ms, callback]), {}),
      setInterval: (callback: () => void, ms: number) => (timers.push(['interval', ms, callback]), {}),
      updater: () => (built++, updater as unknown as Updater),
    };
    const disabled = startUpdates({ ...options, policy: { enabled: false, reason: 'policy' } });
    expect(built).toBe(0);
    expect(disabled.install()).toBe(false);
    startUpdates({ ...options, policy: { enabled: true, feedUrl: null } });
    expect(built).toBe(1);
    expect(updater.feed).toBeNull();
    expect(timers.map(([kind, ms]) => [kind, ms])).toEqual([
      ['timeout', firstCheckDelayMs],
      ['interval', updateCheckIntervalMs],
    ]);
    expect(updateCheckIntervalMs).toBe(12 * 60 * 60 * 1000);
    timers.forEach(([, , callback]) => callback());
    expect(updater.checks).toBe(2);
  });
});
