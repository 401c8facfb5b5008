import type { AppMode, OperationInput, OperationName, OperationOutput, Result, UpdateMode } from '../../shared/contract';
import type { RenderedDocument } from './documents/documents';
import type { EventHub } from './events';
import type { OutcomeRecorder } from './identification/outcomes';
import type { Logger } from './log';
import type { RequestsRepository } from './requests/requests-repository';
import type { Dispatch } from './rpc/dispatcher';
import type { SessionManager } from './session/session-manager';
import type { MachineConfigState } from './settings/machine-config';
import type { LocalStore } from './store/database';
import type { FetchFunction } from './sync/central-client';
import type { SyncEngine, SyncEngineOptions } from './sync/engine';

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
  /**
   * The script of the thread that writes pulled pages on a connection of its own
   * (Electron: the bundled page-writer-worker.js; from the sources:
   * `sourcePageWriterWorker`). Absent: the main thread writes them.
   */
  pageWriterWorker?: URL | string;
  /** Start the sync timers and the retention schedule (default true). */
  startSync?: boolean;
  /** Folder with fonts/ and documents/ (the app's resources). */
  resourcesDirectory: string;
  /** The log file (its last lines go into "Copia diagnostica"). */
  logFile?: string;
  /** Electron: puts text on the system clipboard; absent in the browser host (the page copies). */
  copyText?: (text: string) => void;
  /** Electron: opens a print preview; absent in the browser host (the renderer shows the PDF). */
  printDocument?: (document: RenderedDocument) => Promise<void>;
  /** The clock of documents, audit entries and "today". */
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
  updates?: { ready(): string | null; install(): boolean; mode(): UpdateMode };
}

interface CoreBase {
  /** The untrusted entry point both hosts use: validates, never throws. */
  dispatch: Dispatch;
  /** The same, typed, for callers inside the main process (tools, tests). */
  call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<Result<OperationOutput<N>>>;
  events: EventHub;
  /** Whether a wizard holds an identification not yet confirmed or refused (drafts live in memory only). */
  identificationInProgress(): boolean;
  /** Locks the session now (the OS locked the screen or suspends). */
  lockSession(): void;
  close(): Promise<void>;
}

/** The application, working: its store is open. */
export interface ReadyCore extends CoreBase {
  status: 'ready';
  store: LocalStore;
  session: SessionManager;
  sync: SyncEngine;
  requests: RequestsRepository;
  outcomes: OutcomeRecorder;
}

/** The store or IT's configuration could not be used: public operations answer, with the reason. */
export interface UnavailableCore extends CoreBase {
  status: 'unavailable';
}

/** The application without any host: what Electron and the browser host both wrap. */
export type Core = ReadyCore | UnavailableCore;
