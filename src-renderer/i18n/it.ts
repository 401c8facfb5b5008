/** Italian: the default and reference catalogue. Keys grouped by screen. */
const it = {
  app: {
    productName: 'Sportello Identificazione',
    tagline: 'Istanze OnLine · identificazione in presenza',
    skipToContent: 'Vai al contenuto principale',
    loading: 'Caricamento…',
    loadError: 'Impossibile leggere i dati dell’applicazione.',
    storeErrorTitle: 'Archivio locale non disponibile',
    retry: 'Riprova',
  },
  mode: {
    training: 'Modalità di prova',
    production: 'Servizio centrale',
    trainingBanner: 'MODALITÀ DI PROVA',
    trainingBannerDetail: 'Dati fittizi: nessuna abilitazione reale viene confermata.',
  },
  language: {
    label: 'Lingua',
    it: 'Italiano',
    en: 'English',
  },
  home: {
    title: 'Benvenuto allo sportello',
    intro: 'Da qui si cercano le richieste di abilitazione e si identificano i richiedenti.',
    aboutTitle: 'Informazioni sull’applicazione',
    version: 'Versione',
    mode: 'Modalità',
    dataDirectory: 'Cartella dei dati',
    locale: 'Lingua',
  },
};

export default it;
export type MessageSchema = typeof it;
