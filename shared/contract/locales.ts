/** The languages of the interface: Italian first. Without zod, so the first screen can use it without the contract. */
export const locales = ['it', 'en'] as const;
export type Locale = (typeof locales)[number];
