import { z } from 'zod';
import { localeSchema } from './operations';
import { syncStatusSchema } from './sync';

/** Events main pushes to the renderer: name → payload schema. */
export const events = {
  /** The interface language changed (from this or another window). */
  'app.localeChanged': z.object({ locale: localeSchema }),
  /** The menu asked for one of the desk's places (the renderer navigates as its own links do). */
  'app.navigate': z.object({ to: z.enum(['desk', 'archive', 'problems', 'settings', 'about', 'guide']) }),
  /** An update was downloaded: the renderer offers a restart when nothing is in progress. */
  'app.updateReady': z.object({ version: z.string() }),
  /** Anything a person would see of the sync engine changed. */
  'sync.status': syncStatusSchema,
  /** The central service refused the session: sign in again (queued outcomes wait). */
  'session.required': z.object({ reason: z.enum(['expired', 'signed-out']) }),
  /** The session locked (idle, or on request) or was unlocked: the renderer covers or uncovers the screen. */
  'session.lock': z.object({ locked: z.boolean() }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;
export type AppEvent = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];

export const eventNames = Object.keys(events) as EventName[];
