import type { MessageSchema } from './it';

/** English: second locale. Must have every key of the Italian catalogue (type-checked). */
const en: MessageSchema = {
  app: {
    productName: 'Sportello Identificazione',
    tagline: 'Istanze OnLine · in-person identification',
    skipToContent: 'Skip to main content',
    loading: 'Loading…',
    loadError: 'Could not read the application data.',
    storeErrorTitle: 'Local store unavailable',
    retry: 'Retry',
  },
  mode: {
    training: 'Training mode',
    production: 'Central service',
    trainingBanner: 'TRAINING MODE',
    trainingBannerDetail: 'Synthetic data: no real enablement is confirmed.',
  },
  language: {
    label: 'Language',
    it: 'Italiano',
    en: 'English',
  },
  home: {
    title: 'Welcome to the desk',
    intro: 'Look up enablement requests and identify applicants from here.',
    aboutTitle: 'About the application',
    version: 'Version',
    mode: 'Mode',
    dataDirectory: 'Data folder',
    locale: 'Language',
  },
};

export default en;
