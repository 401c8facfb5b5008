import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from '../../../shared/contract';
import {
  archiveStatistics,
  deliveryOf,
  matchesArchiveFilters,
  rangeDays,
  rangeProblem,
  shiftDay,
} from '../../../shared/domain/archive-query';

/** #17, item 4: the archive's range, filters and counts, the same on the screen and in the core. */
const entry = (over: Partial<ArchiveEntry>): ArchiveEntry => ({
  identificationId: 'id',
  at: '2026-03-29T10:00:00.000Z',
  requestId: 'REQ-0000001',
  fiscalCode: 'DNGNCL80A01H501X',
  surname: "D'Angelo",
  name: 'Nicolò',
  outcome: 'confirmed',
  presenter: 'applicant',
  delegateName: null,
  operatorId: 'op-1',
  operatorName: 'Assistente',
  syncState: 'acked',
  status: 'accepted',
  notAcceptedReason: null,
  notAcceptedReasonText: null,
  refusalReasons: [],
  refusalReasonCodes: [],
  refusalNote: '',
  ...over,
});

describe('the archive’s range', () => {
  it('at most a year, a leap year’s 366 days included; never the wrong way round', () => {
    expect(rangeDays('2026-11-30', '2026-11-30')).toBe(1);
    expect(rangeProblem('2024-01-01', '2024-12-31')).toBeNull(); // 366 days
    expect(rangeProblem('2024-01-01', '2025-01-01')).toEqual({ key: 'service.range-too-long', params: { maxDays: 366 } });
    expect(rangeProblem('2025-01-01', '2025-12-31')).toBeNull();
    expect(rangeProblem('2026-12-01', '2026-11-30')).toEqual({ key: 'service.range-backwards' });
  });

  it('moves by calendar days, across months, years and the changes of the clocks', () => {
    expect(shiftDay('2026-03-29', 1)).toBe('2026-03-30');
    expect(shiftDay('2026-10-25', -1)).toBe('2026-10-24');
    expect(shiftDay('2026-01-01', -1)).toBe('2025-12-31');
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2026-11-30', -6)).toBe('2026-11-24');
  });
});

describe('the archive’s filters', () => {
  it('a search finds a name or surname whatever the case, accents and apostrophes, a piece of the fiscal code, a request id', () => {
    for (const text of ['dangelo', "D'ANGELO NICOLO", 'nicolo dangelo', 'DNGNCL80', 'req-0000001', '  nicolò '])
      expect(matchesArchiveFilters(entry({}), { text }), text).toBe(true);
    expect(matchesArchiveFilters(entry({}), { text: 'rossi' })).toBe(false);
    expect(matchesArchiveFilters(entry({ presenter: 'delegate', delegateName: 'Mario Rossi' }), { text: 'rossi' })).toBe(true);
  });

  it('by operator, outcome and delivery; a filter left out keeps everything', () => {
    expect(matchesArchiveFilters(entry({}), {})).toBe(true);
    expect(matchesArchiveFilters(entry({}), { operatorId: 'op-2' })).toBe(false);
    expect(matchesArchiveFilters(entry({}), { outcome: 'refused' })).toBe(false);
    expect(matchesArchiveFilters(entry({ syncState: 'retry_wait' }), { delivery: 'queued' })).toBe(true);
    expect(deliveryOf('pending')).toBe('queued');
    expect(deliveryOf('sending')).toBe('queued');
    expect(deliveryOf('conflict')).toBe('not-accepted');
    expect(deliveryOf('dead')).toBe('not-accepted');
    expect(deliveryOf('acked')).toBe('sent');
  });
});

describe('the statistics', () => {
  it('count each day in Italy’s calendar: 23:30 UTC on the night the clocks change is the next day in Rome', () => {
    const stats = archiveStatistics(
      '2026-03-28',
      '2026-03-29',
      [
        entry({ at: '2026-03-28T22:30:00.000Z' }), // 23:30 in Rome (CET), the 28th
        entry({ at: '2026-03-28T23:30:00.000Z' }), // 00:30 in Rome, the 29th
        entry({ at: '2026-03-29T22:30:00.000Z', status: 'refused', outcome: 'refused', refusalReasonCodes: ['photo-mismatch'] }), // 00:30 CEST, the 30th
      ],
      { count: 0, oldestAt: null },
    );
    expect(stats.days.map((day) => [day.day, day.accepted, day.refused])).toEqual([
      ['2026-03-28', 1, 0],
      ['2026-03-29', 1, 0],
      ['2026-03-30', 0, 1],
    ]);
    expect(stats.total).toEqual({ accepted: 2, queued: 0, notAccepted: 0, refused: 1 });
    expect(stats.refusalReasons).toEqual([{ code: 'photo-mismatch', count: 1 }]);
  });
});
