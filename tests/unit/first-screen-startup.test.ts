import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * #20: the first screen's modules build no date formatter when they load. The first
 * Intl.DateTimeFormat with a time zone loads the time-zone data (about 50 ms on this
 * machine, in Node as in Chromium), and the sign-in screen shows no date: the formatters
 * are built the first time a date is shown.
 */
describe('first screen startup', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('loading the date helpers builds no Intl.DateTimeFormat; the first date shown builds it, once', async () => {
    const built = vi.spyOn(Intl, 'DateTimeFormat');
    const dates = await import('../../shared/domain/dates');
    const format = await import('../../src-renderer/format');
    expect(built).not.toHaveBeenCalled();
    // Still right when used: Italian time in Rome (winter: UTC+1; summer: UTC+2).
    expect(dates.formatItalianDateTime('2026-11-22T09:35:00Z')).toBe('22/11/2026 10:35');
    expect(dates.formatItalianDateTime('2026-07-22T09:35:00Z')).toBe('22/07/2026 11:35');
    expect(format.formatDateTime('2026-11-22T09:35:00Z')).toBe('22/11/2026, 10:35');
    const calls = built.mock.calls.length;
    dates.formatItalianDateTime('2026-11-23T09:35:00Z');
    format.formatDateTime('2026-11-23T09:35:00Z');
    expect(built.mock.calls.length).toBe(calls);
  });
});
