import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo, AppMode, DocumentRequest, OperationInput, OperationName, OperationOutput, Result } from '../../shared/contract';
import { todayIn } from '../../shared/domain/dates';
import { readFiscalCodeBarcode } from '../../shared/domain/health-card';
import { DatabaseError, openLocalStore, type LocalStore } from './db/database';
import { createDispatcher, ServiceFailure, type Dispatch, type OperationHandlers } from './dispatcher';
import { DocumentRenderer, loadFonts, loadWording, type RenderedDocument } from './documents/documents';
import { DocumentService } from './documents/service';
import { IdentificationDesk } from './desk';
import { Archive } from './archive';
import { AuditLog } from './audit';
import { createEventHub, type EventHub } from './events';
import type { Logger } from './log';
import { openPreferences } from './preferences';
import { SessionManager } from './session';
import { settingsLimits } from '../../shared/contract';
import { checkAccess, operationAccess } from './access';
import { SignInThrottle } from './credentials';
import { OperatorsRepository, SignInFailuresRepository } from './store/operators-repository';
import { DataProtection } from './data-protection';
import { managedSettings, type MachineConfigState } from './machine-config';
import { CentralClient, type FetchFunction } from './sync/central-client';
import { SyncEngine, type SyncEngineOptions } from './sync/engine';

export const productName = 'Sportello Identificazione';

export interface CoreOptions {
  /** Where this installation keeps its data (Electron: userData; browser host: --data-dir). */
  dataDirectory: string;
  version: string;
  mode: AppMode;
  logger: Logger;
  /** Base URL of the central service (in training: the embedded reference service). */
  centralUrl: string;
  /** 32-byte key of the local store, from the host. */
  databaseKey: Buffer;
  /** Electron passes `net.fetch` (system proxy, OS certificates). */
  fetch?: FetchFunction;
  sync?: Partial<Pick<SyncEngineOptions, 'pullIntervalMs' | 'probeIntervalMs' | 'backoff' | 'pageSize' | 'now' | 'random'>>;
  /** Start the sync timers (default true). */
  startSync?: boolean;
  /** Folder with fonts/ and documents/ (the app's resources). */
  resourcesDirectory: string;
  /** Electron: opens a print preview; absent in the browser host (the renderer shows the PDF). */
  printDocument?: (document: RenderedDocument) => Promise<void>;
  /** The clock documents are dated with. */
  now?: () => Date;
  /**
   * Where preferences that choose the mode live (the base data folder; in training mode
   * `dataDirectory` is its training/ subfolder). Defaults to `dataDirectory`.
   */
  preferencesDirectory?: string;
  /** How often the idle lock looks at the clock (default 15 s). */
  idleCheckMs?: number;
  /** The machine-wide configuration as the host read it (default: none). Invalid: nothing starts. */
  machineConfig?: MachineConfigState;
  /** Electron: the updater (absent in the browser host and in development). */
  updates?: { ready(): string | null; install(): boolean };
}

/** The application without any host: what Electron and the browser host both wrap. */
export interface Core {
  /** The untrusted entry point both hosts use: validates, never throws. */
  dispatch: Dispatch;
  /** The same, typed, for callers inside the main process (tools, tests). */
  call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<Result<OperationOutput<N>>>;
  events: EventHub;
  /** Null when the store could not be opened (see `app.info` → storeError). */
  sync: SyncEngine | null;
  session: SessionManager | null;
  store: LocalStore | null;
  /** Whether a wizard holds an identification not yet confirmed or refused (drafts live in memory only). */
  identificationInProgress(): boolean;
  close(): Promise<void>;
}

export const databaseFileName = 'desk.db';

/** What a printed document is about, for the audit trail (ids, never names). */
function documentSubject(input: DocumentRequest): string {
  switch (input.kind) {
    case 'modulo-adesione':
    case 'modulo-delega':
      return `${input.kind} ${input.requestId}`;
    case 'receipt':
      return `receipt ${input.identificationId}`;
    case 'daily-register':
      return `daily-register ${input.date}`;
  }
}

/** A fiscal code typed or read from the Code 39 barcode (asterisks included), canonical (omocodia resolved). */
function canonicalFiscalCode(input: string): string {
  const parsed = readFiscalCodeBarcode(input, { on: todayIn() });
  if (!parsed.ok) throw new ServiceFailure(`fiscal-code-${parsed.error.code}`, parsed.error.message);
  return parsed.value.canonical;
}

export function createCore(options: CoreOptions): Core {
  mkdirSync(options.dataDirectory, { recursive: true, mode: 0o700 });
  const { logger } = options;
  const events = createEventHub();
  const preferences = openPreferences(options.preferencesDirectory ?? options.dataDirectory, logger);

  const machine = options.machineConfig ?? { status: 'absent', path: '' };
  const machineConfig = machine.status === 'valid' ? machine.config : null;
  const configError: AppInfo['configError'] = machine.status === 'invalid' ? { path: machine.path, problems: machine.problems } : null;
  const managed = managedSettings(machine);

  let store: LocalStore | null = null;
  let storeError: AppInfo['storeError'] = null;
  if (configError) {
    // Not half a configuration: with an invalid machine-wide file nothing opens or syncs.
    logger.error('machine-config.invalid', { problems: configError.problems.length });
  } else {
    try {
      store = openLocalStore({ path: join(options.dataDirectory, databaseFileName), key: options.databaseKey });
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error;
      storeError = { code: error.code, message: error.message };
      logger.error('store.open-failed', { code: error.code });
    }
  }

  const client = new CentralClient({ baseUrl: options.centralUrl, fetch: options.fetch });
  const now = options.now ?? (() => new Date());
  const audit = store ? new AuditLog(store, now) : null;
  /** Who is acting now, for the audit trail. */
  const actor = () => session?.current()?.operator.id ?? null;
  let sync: SyncEngine | null = null;
  let session: SessionManager | null = null;
  let protection: DataProtection | null = null;
  if (store) {
    const openStore = store;
    const operators = new OperatorsRepository(openStore);
    const signInFailures = new SignInFailuresRepository(openStore);
    session = new SessionManager({
      client,
      deviceId: () => sync!.state.clientId(),
      events,
      onSignedIn: (mode) => (mode === 'online' ? sync?.signedIn() : void sync?.probe()),
      operators,
      throttle: new SignInThrottle(signInFailures, () => now().getTime()),
      policy: {
        offlineValidityMs: () => numericSetting('offlineSignInDays') * 86_400_000,
        idleLockMs: () => numericSetting('idleLockMinutes') * 60_000,
      },
      now: () => now().getTime(),
      idleCheckMs: options.idleCheckMs,
    });
    const sessionRef = session;
    sync = new SyncEngine({
      store: openStore,
      client,
      events,
      logger,
      session: { token: () => sessionRef.currentToken(), unauthorized: () => sessionRef.expire() },
      pullIntervalMs: 60_000,
      ...options.sync,
    });
    if (options.startSync ?? true) sync.start();
    protection = new DataProtection({ store: openStore, audit: audit!, settings: sync.state, operators, signInFailures, now });
  }

  const renderer = new DocumentRenderer(loadFonts(options.resourcesDirectory), loadWording(options.resourcesDirectory), logger);
  const archive = sync ? new Archive(sync) : null;
  const needArchive = (): Archive => {
    needSync();
    return archive!;
  };
  const documents = sync && session ? new DocumentService(renderer, sync, session, archive!, options.now ?? (() => new Date())) : null;
  const desk = sync && session && audit ? new IdentificationDesk(sync, session, audit, options.now ?? (() => new Date())) : null;
  const needDesk = (): IdentificationDesk => {
    needSync();
    return desk!;
  };
  const needDocuments = (): DocumentService => {
    needSync();
    return documents!;
  };

  /** A number setting of this installation, its default when unset or unreadable. */
  function numericSetting(key: keyof typeof settingsLimits): number {
    if (key === 'retentionDays' && machineConfig?.retentionDays !== undefined) return machineConfig.retentionDays;
    const limits = settingsLimits[key];
    const stored = Number(sync?.state.setting(key) ?? Number.NaN);
    return Number.isInteger(stored) && stored >= limits.min && stored <= limits.max ? stored : limits.default;
  }

  const purge = (operatorId: string | null) => protection!.purge(numericSetting('retentionDays'), operatorId);
  // The retention purge runs a minute after start (not on the start-up path), then daily.
  const purgeTimers: Array<ReturnType<typeof setTimeout>> = [];
  if (protection && (options.startSync ?? true)) {
    const scheduled = () => {
      try {
        const report = purge(null);
        logger.info('retention.purged', { identifications: report.identifications, requests: report.requests, audit: report.auditEntries });
      } catch (error) {
        logger.error('retention.failed', { error: error instanceof Error ? error.name : typeof error });
      }
    };
    purgeTimers.push(setTimeout(scheduled, 60_000), setInterval(scheduled, 86_400_000));
    for (const timer of purgeTimers) timer.unref?.();
  }

  const settingsView = () => {
    needSync();
    const chosen = machineConfig?.centralUrl ?? preferences.get().centralUrl;
    const current = session?.current() ?? null;
    return {
      centralUrl: chosen,
      activeCentralUrl: options.centralUrl,
      // Training runs the embedded service: a chosen URL (or its removal) needs a restart.
      restartNeeded: options.mode === 'training' ? chosen !== null : chosen !== options.centralUrl,
      retentionDays: numericSetting('retentionDays'),
      idleLockMinutes: numericSetting('idleLockMinutes'),
      offlineSignInDays: numericSetting('offlineSignInDays'),
      lastPurge: protection!.lastPurge(),
      office: current?.office ?? null,
      canEdit: current?.operator.role === 'office-admin',
      managed,
    };
  };

  const info = (): AppInfo => ({
    productName,
    version: options.version,
    mode: options.mode,
    dataDirectory: options.dataDirectory,
    locale: preferences.get().locale,
    storeError,
    configError,
    machineOffice: machineConfig?.office ?? null,
    updateReady: options.updates?.ready() ?? null,
  });

  /** Operations that need the store fail with its error, in Italian, when it is not open. */
  const needSync = (): SyncEngine => {
    if (configError) {
      throw new ServiceFailure(
        'machine-config-invalid',
        `La configurazione di questo computer (${configError.path}) non è valida: rivolgersi all’amministratore di sistema.`,
      );
    }
    if (!sync) throw new ServiceFailure(storeError?.code ?? 'store-unavailable', storeError?.message ?? 'Archivio locale non disponibile.');
    return sync;
  };
  const needSession = (): SessionManager => {
    needSync();
    return session!;
  };

  const handlers: OperationHandlers = {
    'app.info': () => info(),
    'app.setLocale': ({ locale }) => {
      const before = preferences.get().locale;
      preferences.update({ locale });
      if (before !== locale) events.publish({ name: 'app.localeChanged', payload: { locale } });
      return info();
    },

    'app.installUpdate': () => {
      if (desk?.hasDrafts()) {
        throw new ServiceFailure(
          'identification-in-progress',
          'C’è un’identificazione iniziata e non conclusa: confermarla o rifiutarla (oppure uscire con «Esci») prima di riavviare. L’aggiornamento si installa comunque alla chiusura dell’applicazione.',
        );
      }
      if (!options.updates?.install()) throw new ServiceFailure('no-update', 'Nessun aggiornamento pronto da installare.');
      return null;
    },

    'session.signIn': async ({ officeCode, username, password }) => {
      const office = machineConfig?.office;
      if (office && office.code !== officeCode) {
        throw new ServiceFailure(
          'office-not-allowed',
          `Questo computer è configurato per l’ufficio ${office.code} (${office.name}): non si può accedere per un altro ufficio.`,
        );
      }
      try {
        const signedIn = await needSession().signIn(officeCode, username, password);
        audit?.append('sign-in', { operatorId: signedIn.operator.id, subject: signedIn.office.code });
        return signedIn;
      } catch (error) {
        if (error instanceof ServiceFailure && error.code === 'invalid-credentials')
          audit?.append('sign-in-failed', { subject: officeCode });
        throw error;
      }
    },
    'session.current': () => session?.current() ?? null,
    'session.signOut': () => {
      if (session?.current()) audit?.append('sign-out', { operatorId: actor() });
      needSession().signOut();
      desk?.clearDrafts();
      return null;
    },
    'session.lock': () => {
      needSession().lock();
      return session!.current();
    },
    'session.goOnline': async ({ password }) => {
      const online = await needSession().goOnline(password);
      audit?.append('sign-in', { operatorId: online.operator.id, subject: online.office.code });
      return online;
    },
    'session.unlock': async ({ password }) => {
      const unlocked = await needSession().unlock(password);
      audit?.append('unlock', { operatorId: actor() });
      return unlocked;
    },
    'session.touch': () => {
      session?.touch();
      return null;
    },

    'drafts.get': ({ requestId }) => needDesk().draft(requestId),
    'drafts.save': (draft) => {
      needDesk().saveDraft(draft);
      return null;
    },
    'identifications.confirm': ({ draft, acknowledgedWarnings, password }) => needDesk().confirm(draft, acknowledgedWarnings, password),
    'identifications.refuse': ({ draft, reasons, reasonTexts, note }) => needDesk().refuse(draft, reasons, reasonTexts, note),

    'requests.lookup': async ({ fiscalCode }) => {
      const engine = needSync();
      const canonical = canonicalFiscalCode(fiscalCode);
      audit?.append('lookup', { operatorId: actor(), fiscalCode: canonical });
      return engine.lookup(canonical);
    },

    'settings.get': () => settingsView(),
    'settings.update': ({ centralUrl, retentionDays, idleLockMinutes, offlineSignInDays }) => {
      const engine = needSync();
      const fixed = (field: string) =>
        new ServiceFailure(
          'managed-setting',
          `${field}: stabilito dalla configurazione di questo computer (${managed!.path}); lo può cambiare solo l’amministratore di sistema.`,
        );
      if (machineConfig?.centralUrl !== undefined && centralUrl !== machineConfig.centralUrl)
        throw fixed('Indirizzo del servizio centrale');
      if (machineConfig?.retentionDays !== undefined && retentionDays !== machineConfig.retentionDays)
        throw fixed('Conservazione dei dati');
      if (machineConfig?.centralUrl === undefined) preferences.update({ centralUrl });
      if (machineConfig?.retentionDays === undefined) engine.state.setSetting('retentionDays', String(retentionDays));
      engine.state.setSetting('idleLockMinutes', String(idleLockMinutes));
      engine.state.setSetting('offlineSignInDays', String(offlineSignInDays));
      const changed = { retentionDays, idleLockMinutes, offlineSignInDays };
      audit?.append('settings-change', {
        operatorId: actor(),
        subject: `${Object.entries(changed)
          .map(([key, value]) => `${key}=${value}`)
          .join(';')};central=${centralUrl ? 'set' : 'training'}`,
      });
      logger.info('settings.changed', { ...changed, centralConfigured: centralUrl !== null });
      return settingsView();
    },

    'data.purge': () => {
      needSync();
      return purge(actor());
    },
    'data.erase': ({ fiscalCode }) => {
      needSync();
      const { requestIds, ...report } = protection!.erase(canonicalFiscalCode(fiscalCode), actor());
      desk?.dropDrafts(requestIds);
      logger.info('data.erased', { identifications: report.identifications, requests: report.requests });
      return report;
    },

    'identifications.list': ({ date }) => needArchive().list(date),
    'identifications.exportCsv': ({ date }) => {
      const csv = needArchive().exportCsv(date);
      audit?.append('export', { operatorId: actor(), subject: `register-csv ${date}` });
      return csv;
    },

    'audit.verify': () => {
      needSync();
      return audit!.verify();
    },

    'documents.render': async (input) => {
      const document = await needDocuments().render(input);
      audit?.append('print', { operatorId: actor(), subject: documentSubject(input) });
      return document;
    },
    'documents.print': async (input) => {
      const document = await needDocuments().render(input);
      audit?.append('print', { operatorId: actor(), subject: documentSubject(input) });
      if (!options.printDocument) return { mode: 'download' as const, document };
      await options.printDocument({ bytes: Buffer.from(document.base64, 'base64'), fileName: document.fileName, title: document.title });
      return { mode: 'preview' as const, document };
    },

    'requests.get': ({ id }) => {
      const request = needSync().requestFromCache(id);
      if (request) audit?.append('view-applicant', { operatorId: actor(), fiscalCode: request.applicant.fiscalCode, subject: request.id });
      return request;
    },

    'sync.status': () => needSync().status(),
    'sync.retryNow': ({ opId }) => {
      const engine = needSync();
      engine.retryNow(opId);
      return engine.status();
    },
    'sync.problems': () => needSync().problems(),
    'sync.markHandled': ({ opId, note }) => {
      const engine = needSync();
      if (!engine.markHandled(opId, note)) throw new ServiceFailure('not-found', 'Problema non trovato o già gestito.');
      audit?.append('problem-handled', { operatorId: actor(), subject: opId });
      return engine.problems();
    },
  };

  // Every operation passes the access policy first (signed in, unlocked, role).
  const guarded = Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (input: unknown) => {
        const operation = name as OperationName;
        if (operationAccess[operation] !== 'public') {
          needSync();
          checkAccess(operation, session!.current());
        }
        return (handler as (value: unknown) => unknown)(input);
      },
    ]),
  ) as OperationHandlers;
  const dispatch = createDispatcher(guarded, logger);
  return {
    dispatch,
    call: (operation, input) => dispatch(operation, input) as never,
    events,
    sync,
    session,
    store,
    identificationInProgress: () => desk?.hasDrafts() ?? false,
    close: async () => {
      purgeTimers.forEach(clearTimeout); // clears the interval too
      session?.close();
      await sync?.stop();
      store?.close();
    },
  };
}
