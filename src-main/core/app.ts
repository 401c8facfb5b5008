import { join } from 'node:path';
import { ApplicantRequests } from './requests/applicant-requests';
import { applicationHandlers, commonParts } from './application/handlers';
import { createUnavailableCore } from './application/unavailable-core';
import { Archive } from './archive/archive';
import { archiveHandlers } from './archive/handlers';
import { AuditAnchors } from './audit/anchors';
import { AuditLog } from './audit/audit-log';
import { auditHandlers } from './audit/handlers';
import type { Core, CoreOptions, ReadyCore } from './core-options';
import { DataProtection } from './data-protection/data-protection';
import { dataProtectionHandlers } from './data-protection/handlers';
import { RetentionRepository } from './data-protection/retention-repository';
import { DocumentRenderer, loadFonts, loadWording } from './documents/documents';
import { documentHandlers } from './documents/handlers';
import { DocumentService } from './documents/service';
import { operatorsHandlers } from './operators/handlers';
import { identificationHandlers } from './identification/handlers';
import { IdentificationDesk } from './identification/identification-desk';
import { IdentificationsRepository } from './identification/identifications-repository';
import { OutcomeRecorder } from './identification/outcomes';
import { requestsHandlers } from './requests/handlers';
import { RequestsRepository } from './requests/requests-repository';
import { guardHandlers } from './rpc/access';
import { createDispatcher, type OperationHandlers } from './rpc/dispatcher';
import { failures } from './rpc/failures';
import { SignInThrottle } from './session/credentials';
import { sessionHandlers } from './session/handlers';
import { OperatorsRepository, SignInFailuresRepository } from './session/operators-repository';
import { SessionManager } from './session/session-manager';
import { settingsHandlers } from './settings/handlers';
import { InstallationSettings } from './settings/installation-settings';
import { SettingsRepository } from './settings/settings-repository';
import { DatabaseError, tryMakeDataFolder, tryOpenLocalStore } from './store/database';
import { CentralClient } from './sync/central-client';
import { SyncEngine } from './sync/engine';
import { syncHandlers } from './sync/handlers';
import { OutboxRepository } from './sync/outbox-repository';
import { SyncStateRepository } from './sync/sync-state-repository';
import { trainingHandlers } from './training/handlers';
import { SimulatedOutage, TrainingExercises } from './training/training';

export type { Core, CoreOptions, ReadyCore, UnavailableCore } from './core-options';
export const databaseFileName = 'desk.db';

/** The composition root: opens the store (or says why not) and wires the features; behaviour lives in them. */
export function createCore(options: CoreOptions): Core {
  const folderError = tryMakeDataFolder(options.dataDirectory);
  const { logger } = options;
  const machine = options.machineConfig ?? { status: 'absent', path: '' };
  const common = commonParts(options, machine, logger);
  if (machine.status === 'invalid') {
    // Not half a configuration: with an invalid machine-wide file nothing opens or syncs.
    logger.error('machine-config.invalid', { problems: machine.problems.length });
    const configError = { path: machine.path, problems: machine.problems };
    return createUnavailableCore({ ...common, storeError: null, configError }, failures.machineConfigInvalid(machine.path), logger);
  }
  const store =
    folderError ?? tryOpenLocalStore({ path: join(options.dataDirectory, databaseFileName), key: options.databaseKey, backup: true });
  if (store instanceof DatabaseError) {
    logger.error('store.open-failed', { code: store.code });
    const storeError = { code: store.code, message: store.message, text: store.text };
    return createUnavailableCore({ ...common, storeError, configError: null }, failures.storeUnavailable(store), logger);
  }
  const { events, preferences } = common;
  const now = options.now ?? (() => new Date());
  const syncNow = options.sync?.now ?? Date.now;
  const audit = new AuditLog(store, now);
  const outage = new SimulatedOutage(options.mode);
  const client = new CentralClient({ baseUrl: options.centralUrl, fetch: outage.wrap(options.fetch) });
  const repository = new SettingsRepository(store);
  const settings = new InstallationSettings({ repository, preferences, machine, audit, logger, app: options });
  const operators = new OperatorsRepository(store);
  const signInFailures = new SignInFailuresRepository(store);
  const requests = new RequestsRepository(store);
  const identifications = new IdentificationsRepository(store);
  const outbox = new OutboxRepository(store, () => new Date(syncNow()).toISOString());
  const state = new SyncStateRepository(store);
  const deviceId = () => state.clientId();
  const session: SessionManager = new SessionManager({
    ...{ client, events, operators, audit, state, office: common.machineOffice, idleCheckMs: options.idleCheckMs },
    onSignedIn: (mode) => (mode === 'online' ? sync.signedIn() : void sync.probe()),
    ...{ onSignedOut: () => (desk.clearDrafts(), outage.end()), storeOffice: settings.storeOffice },
    throttle: new SignInThrottle(signInFailures, () => now().getTime()),
    policy: {
      offlineValidityMs: () => settings.number('offlineSignInDays') * 86_400_000,
      idleLockMs: () => settings.number('idleLockMinutes') * 60_000,
    },
    now: () => now().getTime(),
  });
  const anchors = new AuditAnchors({ store, audit, client, logger, now: syncNow });
  const writerThread = options.pageWriterWorker ? { entry: options.pageWriterWorker, key: options.databaseKey } : undefined;
  const syncParts = { store, client, events, logger, audit, outbox, requests, state, identifications, session, anchors, writerThread };
  const sync: SyncEngine = new SyncEngine({ ...syncParts, pullIntervalMs: 60_000, ...options.sync });
  const outcomes = new OutcomeRecorder({ store, identifications, outbox, requests, audit, now, send: () => sync.kick() });
  const desk: IdentificationDesk = new IdentificationDesk({ requests, audit, session, recorder: outcomes, sync, now, deviceId });
  const archive = new Archive(identifications, audit);
  const { printDocument, resourcesDirectory: resources } = options;
  const renderer = new DocumentRenderer(loadFonts(resources), loadWording(resources), logger, options.mode);
  const training = new TrainingExercises({ mode: options.mode, client, session, outage, sync });
  const documentParts = { renderer, requests, identifications, session, archive, audit, now, settings, printDocument, training };
  const documents = new DocumentService(documentParts);
  const retention = new RetentionRepository(store);
  const [onErased, erasures] = [(requestIds: readonly string[]) => desk.dropDrafts(requestIds), sync.erasures];
  const protection = new DataProtection({ store, retention, audit, settings, operators, signInFailures, logger, now, onErased, erasures });
  const applicantRequests = new ApplicantRequests({ requests, lookup: (canonical) => sync.lookup(canonical), audit, now });

  const live = () => ({ settings: { ...settings.view(null), centralUrl: options.centralUrl }, sync: sync.status() });
  const handlers: OperationHandlers = {
    ...applicationHandlers({ ...common, storeError: null, configError: null, identificationInProgress: () => desk.hasDrafts(), live }),
    ...sessionHandlers(session),
    ...requestsHandlers(applicantRequests, session),
    ...identificationHandlers(desk),
    ...archiveHandlers(archive, session),
    ...documentHandlers(documents),
    ...settingsHandlers(settings, session),
    ...dataProtectionHandlers(protection, session),
    ...auditHandlers(anchors, session),
    ...syncHandlers(sync, session),
    ...operatorsHandlers({ client, session, audit }),
    ...trainingHandlers(training),
  };
  if (options.startSync ?? true) {
    sync.start();
    protection.schedule();
  }
  const guarded = guardHandlers(handlers, () => session.current());
  const dispatch = createDispatcher(guarded, logger);
  return {
    status: 'ready',
    dispatch,
    events,
    store,
    session,
    sync,
    requests,
    outcomes,
    call: (operation, input) => dispatch(operation, input) as never,
    identificationInProgress: () => desk.hasDrafts(),
    lockSession: () => session.lock(),
    close: async () => {
      protection.stop();
      session.close();
      await sync.stop();
      store.close();
    },
  } satisfies ReadyCore;
}
