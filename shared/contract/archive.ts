import { z } from 'zod';
import { refusalReasonCodes } from '../domain/refusal-reasons';

/**
 * The archive over time: a range of days (Italian calendar), and what narrows it (the
 * same on the screen, in the CSV and in the statistics' rows).
 */

export { maxArchiveDays } from '../domain/archive-query';

export const archiveRangeSchema = z.strictObject({ from: z.iso.date(), to: z.iso.date() });
export type ArchiveRange = z.infer<typeof archiveRangeSchema>;

/** Where an outcome's delivery to the central service stands: sent, waiting, or not accepted (conflict or failed). */
export const archiveDeliverySchema = z.enum(['sent', 'queued', 'not-accepted']);
export type ArchiveDelivery = z.infer<typeof archiveDeliverySchema>;

export const archiveFiltersSchema = z.strictObject({
  /** A fiscal code (or its start), a name or surname, a request id: case and accents aside. */
  text: z.string().max(64).optional(),
  operatorId: z.string().min(1).max(128).optional(),
  outcome: z.enum(['confirmed', 'refused']).optional(),
  delivery: archiveDeliverySchema.optional(),
});
export type ArchiveFilters = z.infer<typeof archiveFiltersSchema>;

const count = z.number().int().nonnegative();
export const outcomeCountsSchema = z.object({ accepted: count, queued: count, notAccepted: count, refused: count });
export type OutcomeCounts = z.infer<typeof outcomeCountsSchema>;

/** For the office administrator: the range's outcomes per day and per operator, the refusals' reasons, and the queue now. */
export const archiveStatisticsSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  total: outcomeCountsSchema,
  /** The days with an outcome, oldest first. */
  days: z.array(outcomeCountsSchema.extend({ day: z.iso.date() })),
  /** By operator's name. */
  operators: z.array(outcomeCountsSchema.extend({ operatorId: z.string(), operatorName: z.string() })),
  /** The catalogue's reasons given for the range's refusals, most given first. */
  refusalReasons: z.array(z.object({ code: z.enum(refusalReasonCodes), count })),
  /** The outcomes waiting to be sent now (whatever the range), and when the oldest was recorded. */
  queue: z.object({ count, oldestAt: z.string().nullable() }),
});
export type ArchiveStatistics = z.infer<typeof archiveStatisticsSchema>;
