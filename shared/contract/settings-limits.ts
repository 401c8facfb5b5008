/** Bounds and defaults of the installation's settings (the settings screen, the core, IT's file). */
export const settingsLimits = {
  retentionDays: { min: 7, max: 3650, default: 90 },
  idleLockMinutes: { min: 1, max: 60, default: 5 },
  offlineSignInDays: { min: 1, max: 30, default: 7 },
} as const;
