import type { ArchiveDelivery, ArchiveFilters, ArchiveStatistics, OutcomeCounts } from '../contract/archive';
import type { ArchiveEntry, OutboxSyncState, OutcomeStatus } from '../contract/identification';
import type { Message } from '../i18n/messages';
import { parseIsoDate, todayIn } from './dates';
import type { RefusalReasonCode } from './refusal-reasons';

/** The longest range the archive reads at once (a year, leap day included). */
export const maxArchiveDays = 366;

/**
 * The archive's rules, shared by the screen (which narrows as one types) and the core
 * (which exports and counts): what a range may be, what a filter keeps, what the
 * statistics count. No I/O.
 */

const dayNumber = (iso: string) => {
  const parsed = parseIsoDate(iso)!;
  return Date.UTC(parsed.year, parsed.month - 1, parsed.day) / 86_400_000;
};

/** The days a range covers, both ends included. */
export const rangeDays = (from: string, to: string) => dayNumber(to) - dayNumber(from) + 1;

/** What is wrong with a range (the wrong way round, or longer than a year), or null. */
export function rangeProblem(from: string, to: string): Message | null {
  if (to < from) return { key: 'service.range-backwards' };
  if (rangeDays(from, to) > maxArchiveDays) return { key: 'service.range-too-long', params: { maxDays: maxArchiveDays } };
  return null;
}

/** Where a delivery stands, from the outbox's state. */
export function deliveryOf(syncState: OutboxSyncState): ArchiveDelivery {
  if (syncState === 'acked') return 'sent';
  if (syncState === 'conflict' || syncState === 'dead') return 'not-accepted';
  return 'queued';
}

/** Lower case, without accents or spaces: "D'Angelo Nicolò" and "dangelo nicolo" read alike. */
const folded = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Whether an entry is kept by the filters (a filter left out keeps everything). */
export function matchesArchiveFilters(entry: ArchiveEntry, filters: ArchiveFilters): boolean {
  if (filters.operatorId && entry.operatorId !== filters.operatorId) return false;
  if (filters.outcome && entry.outcome !== filters.outcome) return false;
  if (filters.delivery && deliveryOf(entry.syncState) !== filters.delivery) return false;
  const wanted = folded(filters.text ?? '');
  if (!wanted) return true;
  return [
    entry.fiscalCode,
    entry.requestId,
    `${entry.surname}${entry.name}`,
    `${entry.name}${entry.surname}`,
    entry.delegateName ?? '',
  ].some((field) => folded(field).includes(wanted));
}

const zero = (): OutcomeCounts => ({ accepted: 0, queued: 0, notAccepted: 0, refused: 0 });
const countKey: Record<OutcomeStatus, keyof OutcomeCounts> = {
  accepted: 'accepted',
  queued: 'queued',
  'not-accepted': 'notAccepted',
  refused: 'refused',
};

/** The range's outcomes per day (Italian calendar) and operator, and the refusals' reasons. */
export function archiveStatistics(from: string, to: string, entries: ArchiveEntry[], queue: ArchiveStatistics['queue']): ArchiveStatistics {
  const total = zero();
  const days = new Map<string, OutcomeCounts>();
  const operators = new Map<string, OutcomeCounts & { operatorName: string }>();
  const reasons = new Map<RefusalReasonCode, number>();
  for (const entry of entries) {
    const key = countKey[entry.status];
    const day = todayIn('Europe/Rome', new Date(entry.at));
    if (!days.has(day)) days.set(day, zero());
    if (!operators.has(entry.operatorId)) operators.set(entry.operatorId, { ...zero(), operatorName: entry.operatorName });
    total[key]++;
    days.get(day)![key]++;
    operators.get(entry.operatorId)![key]++;
    for (const code of entry.refusalReasonCodes) reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  return {
    from,
    to,
    total,
    days: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, counts]) => ({ day, ...counts })),
    operators: [...operators]
      .map(([operatorId, counts]) => ({ operatorId, ...counts }))
      .sort((a, b) => a.operatorName.localeCompare(b.operatorName, 'it')),
    refusalReasons: [...reasons]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    queue,
  };
}

/** The day `days` after (or before, negative) an ISO day. */
export function shiftDay(iso: string, days: number): string {
  const parsed = parseIsoDate(iso)!;
  return new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day + days)).toISOString().slice(0, 10);
}
