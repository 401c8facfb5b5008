import { centralErrorCodes, type SignInResponse } from '../../../shared/contract/central-api';
import type { SessionInfo } from '../../../shared/contract/sync';
import type { AuditLog } from '../audit/audit-log';
import type { EventHub } from '../events';
import { failures, ServiceFailure, type PasswordCheck, type WrongPasswordCost } from '../rpc/failures';
import type { CentralClient } from '../sync/central-client';
import { accountKey, createVerifier, freeAttempts, matchesVerifier, type SignInThrottle } from './credentials';
import type { SyncStateRepository } from '../sync/sync-state-repository';
import { DeviceKey } from './device-key';
import type { OperatorsRepository, PasswordVerifier } from './operators-repository';

export interface SessionPolicy {
  /** How long after the last online sign-in an offline sign-in is accepted. */
  offlineValidityMs(): number;
  /** Idle time after which the session locks. */
  idleLockMs(): number;
}

export interface SessionManagerOptions {
  client: CentralClient;
  /** Where this installation's device id and device key are kept (the key proves the device at sign-in). */
  state: SyncStateRepository;
  events: EventHub;
  /** Called after a sign-in: online, the sync engine may send again; offline, it learns the service is away. */
  onSignedIn: (mode: SessionInfo['mode']) => void;
  /** Called after a sign-out (what the operator left in memory goes with them). */
  onSignedOut: () => void;
  /** Sign-in, its failures, unlock and sign-out are audited here, where they happen. */
  audit: AuditLog;
  /** IT fixed this PC to one office (machine-wide configuration): sign-in is limited to it. */
  office: { code: string; name: string } | null;
  /** The office whose data this store holds (bound at the first online sign-in): no other office signs in here. */
  storeOffice: { get(): string | null; bind(code: string): void };
  operators: OperatorsRepository;
  throttle: SignInThrottle;
  policy: SessionPolicy;
  /** Device clock (ms). */
  now: () => number;
  /** How often the idle timer looks (default 15 s). */
  idleCheckMs?: number;
}

/** Checked instead when an account has no verifier here, so both cases take the same time. */
const decoyVerifier: PasswordVerifier = {
  N: 2 ** 15,
  r: 8,
  p: 1,
  keyLength: 32,
  salt: 'c3BvcnRlbGxvLWRlY295LXNhbHQ=',
  hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
};

/** An offline sign-in is refused when the clock is this far behind the last online one. */
const clockToleranceMs = 5 * 60_000;

/**
 * The signed-in operator. The central-service token lives here, in the main process,
 * and nowhere else: never in the renderer, never in a log.
 *
 * Sign-in is online against the central service; when it cannot be reached, the
 * verifier cached at the last online sign-in on this PC lets the operator in for a
 * limited time (offline session: outcomes queue, nothing is sent until an online
 * sign-in). After idle time the session locks: the renderer keeps its state behind the
 * lock, the core refuses everything but unlocking. Wrong passwords (sign-in, unlock,
 * confirmation) count per account; after five, each attempt waits longer.
 */
export class SessionManager {
  private token: string | null = null;
  private info: SessionInfo | null = null;
  private key: string | null = null;
  /** scrypt of the password of this sign-in, to confirm identifications and unlock (memory only). */
  private verifier: PasswordVerifier | null = null;
  private lastActivity = 0;
  /** The account as typed at sign-in (going online sends it again as it was typed). */
  private account: { officeCode: string; username: string } | null = null;
  /** The tail of each account's queue of password checks. */
  private readonly accountQueues = new Map<string, Promise<void>>();
  private readonly idleTimer: ReturnType<typeof setInterval>;
  private readonly device: DeviceKey;

  constructor(private readonly options: SessionManagerOptions) {
    this.device = new DeviceKey(options.state);
    this.idleTimer = setInterval(() => this.lockIfIdle(), options.idleCheckMs ?? 15_000);
    this.idleTimer.unref?.();
  }

  current(): SessionInfo | null {
    return this.info;
  }

  currentToken(): string | null {
    return this.token;
  }

  locked(): boolean {
    return this.info?.locked ?? false;
  }

  /**
   * `newPassword`: the account is on a temporary password (the first sign-in after an
   * administrator created or reset it): the service changes it, then the sign-in goes on
   * with the new one.
   */
  async signIn(officeCode: string, username: string, password: string, newPassword: string | null = null): Promise<SessionInfo> {
    const office = this.options.office;
    if (office && office.code !== officeCode) throw failures.officeNotAllowed(office);
    const storeOffice = this.options.storeOffice.get();
    if (storeOffice && storeOffice !== officeCode.toUpperCase()) throw failures.storeOfficeMismatch(storeOffice);
    const key = accountKey(officeCode, username);
    // Nobody signs in over someone else's session, locked or not: they sign out first.
    if (this.info && this.key !== key) throw failures.sessionActive(this.info.operator.displayName);
    return this.forAccount(key, async () => {
      try {
        const signedIn = await this.authenticate(key, officeCode, username, password, newPassword);
        this.options.audit.append('sign-in', { operatorId: signedIn.operator.id, subject: signedIn.office.code });
        return signedIn;
      } catch (error) {
        // (A refusal during the delay never reaches here: it is answered before any check, and costs nothing.)
        const refused =
          error instanceof ServiceFailure && ['invalid-credentials', 'central-unreachable', 'not-permitted'].includes(error.code);
        // The account tried, never the password.
        if (refused) this.options.audit.append('sign-in-failed', { subject: key });
        throw error;
      }
    });
  }

  /**
   * One password check at a time per account, the delay read inside: attempts sent in
   * parallel queue up behind each other and meet the delay the earlier ones earned.
   */
  private forAccount<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.accountQueues.get(key) ?? Promise.resolve();
    const run = previous.then(() => {
      this.refuseWhileDelayed(key);
      return work();
    });
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.accountQueues.set(key, settled);
    void settled.then(() => {
      if (this.accountQueues.get(key) === settled) this.accountQueues.delete(key);
    });
    return run;
  }

  /** Online against the central service, or offline with the cached verifier when it cannot be reached. */
  private async authenticate(
    key: string,
    officeCode: string,
    username: string,
    password: string,
    newPassword: string | null = null,
  ): Promise<SessionInfo> {
    const result = await this.options.client.signIn({ officeCode, username, password, ...this.device.prove(officeCode, username) });
    if (result.ok) {
      const token = result.value.token;
      try {
        return await this.startOnline(key, { officeCode, username }, password, newPassword, result.value);
      } catch (error) {
        // The service said yes but the desk does not go on: its session must not outlive the refusal.
        void this.options.client.signOut(token);
        throw error;
      }
    }
    const failure = result.failure;
    if (failure.kind === 'http' && failure.status === 429 && failure.code === centralErrorCodes.tooManyAttempts) {
      // The service's own count (per account and per client, across every desk): no offline way round it.
      throw failures.signInDelayed(failure.retryAfterMs ?? 60_000);
    }
    if (failure.kind === 'http' && failure.status === 403 && failure.code === centralErrorCodes.deviceMismatch)
      throw failures.deviceNotRecognised();
    if (failure.kind === 'http' && failure.status === 403 && failure.code === centralErrorCodes.notPermitted) {
      // Revoked or disabled by the office: the verifier cached here must not let them in offline either.
      this.options.operators.forget(key);
      throw failures.notPermitted();
    }
    if (failure.kind === 'http' && failure.status === 401) {
      // The central service refused the password this PC knows as valid: it was changed or
      // revoked, so the cached verifier must not let anyone in offline any more. (Any other
      // wrong password leaves the cache alone: a stranger's typing must not lock staff out.)
      // A verifier is computed whether or not the account is cached: the time taken does
      // not tell which accounts have signed in on this PC.
      const cached = this.options.operators.find(key);
      if ((await matchesVerifier(password, cached?.verifier ?? decoyVerifier)) && cached) this.options.operators.forget(key);
      throw failures.invalidCredentials(this.countWrongPassword(key));
    }
    const transient = failure.kind === 'network' || (failure.kind === 'http' && (failure.status >= 500 || failure.status === 429));
    if (!transient) throw failures.centralError();
    return this.signInOffline(key, password, { officeCode, username });
  }

  /** The service accepted the credentials: the temporary password changed if it was one, then the session starts. */
  private async startOnline(
    key: string,
    account: { officeCode: string; username: string },
    password: string,
    newPassword: string | null,
    signedIn: SignInResponse,
  ): Promise<SessionInfo> {
    if (signedIn.passwordChangeRequired) {
      if (!newPassword) throw failures.passwordChangeRequired();
      const changed = await this.options.client.changePassword(signedIn.token, password, newPassword);
      if (!changed.ok) {
        if (changed.failure.kind === 'http' && changed.failure.status === 400) throw failures.passwordRejected();
        throw failures.centralError();
      }
      this.options.audit.append('password-changed', { subject: key });
      password = newPassword;
    }
    const verifier = await createVerifier(password);
    const { operator, office, canIdentify } = signedIn;
    this.refuseOtherSessionOrOffice(key, office.code);
    this.account = account;
    this.options.storeOffice.bind(office.code);
    this.options.operators.remember(key, { operator, office, canIdentify, verifier, lastOnlineAt: this.options.now() });
    this.options.throttle.succeeded(key);
    const info: SessionInfo = { operator, office, canIdentify, expiresAt: signedIn.expiresAt, mode: 'online', locked: false };
    this.start(key, verifier, signedIn.token, info);
    this.options.onSignedIn('online');
    return this.info!;
  }

  /** The central service cannot be reached: the verifier of the last online sign-in on this PC. */
  private async signInOffline(key: string, password: string, account: { officeCode: string; username: string }): Promise<SessionInfo> {
    const validityMs = this.options.policy.offlineValidityMs();
    const days = Math.round(validityMs / 86_400_000);
    const cached = this.options.operators.find(key);
    // An account never signed in here and a wrong password get the same answer, after the
    // same work: neither tells a stranger which accounts this PC knows. Only the right
    // password learns that the cached sign-in has expired or the clock is wrong.
    const matches = await matchesVerifier(password, cached?.verifier ?? decoyVerifier);
    if (!cached || !matches) {
      this.countWrongPassword(key);
      throw failures.centralUnreachable(days);
    }
    const age = this.options.now() - cached.lastOnlineAt;
    if (age < -clockToleranceMs) throw failures.offlineClock();
    if (age > validityMs) throw failures.offlineExpired(days);
    this.options.throttle.succeeded(key);
    this.refuseOtherSessionOrOffice(key, cached.office.code);
    this.account = account;
    this.start(key, cached.verifier, null, {
      operator: cached.operator,
      office: cached.office,
      canIdentify: cached.canIdentify,
      expiresAt: new Date(cached.lastOnlineAt + validityMs).toISOString(),
      mode: 'offline',
      locked: false,
    });
    this.options.onSignedIn('offline');
    return this.info!;
  }

  /**
   * Checked again after the last wait of a sign-in: two operators signing in at the same
   * moment must not both pass the checks made before it.
   */
  private refuseOtherSessionOrOffice(key: string, officeCode: string): void {
    if (this.info && this.key !== key) throw failures.sessionActive(this.info.operator.displayName);
    const storeOffice = this.options.storeOffice.get();
    if (storeOffice && storeOffice !== officeCode.toUpperCase()) throw failures.storeOfficeMismatch(storeOffice);
  }

  private start(key: string, verifier: PasswordVerifier, token: string | null, info: SessionInfo): void {
    this.key = key;
    this.verifier = verifier;
    this.token = token;
    this.info = info;
    this.lastActivity = this.options.now();
  }

  /**
   * An offline session goes online without leaving the desk (the wizard keeps its state):
   * the same account signs in against the central service, which must answer now.
   */
  async goOnline(password: string): Promise<SessionInfo> {
    if (!this.info || !this.key) throw failures.notSignedIn();
    if (this.info.mode === 'online' && this.token) return this.info;
    const key = this.key;
    const { officeCode, username } = this.account ?? { officeCode: key.split('/')[0]!, username: key.slice(key.indexOf('/') + 1) };
    const session = await this.forAccount(key, () => this.authenticate(key, officeCode, username, password));
    if (session.mode !== 'online') throw failures.centralUnreachable(null);
    this.options.audit.append('sign-in', { operatorId: session.operator.id, subject: session.office.code });
    return session;
  }

  /** The operator is at the desk (a key, a click): postpones the idle lock. */
  touch(): void {
    if (this.info && !this.info.locked) this.lastActivity = this.options.now();
  }

  lock(): void {
    if (!this.info || this.info.locked) return;
    this.info = { ...this.info, locked: true };
    this.options.events.publish({ name: 'session.lock', payload: { locked: true } });
  }

  /** Checks the idle time now (the timer calls it; tests too). */
  lockIfIdle(): void {
    if (this.info && !this.info.locked && this.options.now() - this.lastActivity >= this.options.policy.idleLockMs()) this.lock();
  }

  async unlock(password: string): Promise<SessionInfo> {
    const key = this.key;
    if (!this.info || !key) throw failures.notSignedIn();
    await this.checkPassword(password, 'unlock');
    // Whoever signed out or in meanwhile, the password checked was for the session that was locked.
    if (!this.info || this.key !== key) throw failures.notSignedIn();
    if (this.info.locked) {
      this.info = { ...this.info, locked: false };
      this.lastActivity = this.options.now();
      this.options.events.publish({ name: 'session.lock', payload: { locked: false } });
    }
    this.options.audit.append('unlock', { operatorId: this.info.operator.id });
    return this.info;
  }

  /**
   * The operator re-enters the password (to confirm an identification, to unlock).
   * Wrong passwords count towards the same delay as the sign-in's.
   */
  async checkPassword(password: string, check: PasswordCheck): Promise<void> {
    const verifier = this.verifier;
    const key = this.key;
    if (!verifier || !key) throw failures.notSignedIn();
    await this.forAccount(key, async () => {
      if (await matchesVerifier(password, verifier)) return this.options.throttle.succeeded(key);
      this.options.audit.append('password-failed', { operatorId: this.operatorId(), subject: check });
      throw failures.wrongPassword(check, this.countWrongPassword(key));
    });
  }

  private refuseWhileDelayed(key: string): void {
    const wait = this.options.throttle.waitFor(key);
    if (wait > 0) throw failures.signInDelayed(wait);
  }

  /** Counts a wrong password for the account and says what it costs now. */
  private countWrongPassword(key: string): WrongPasswordCost {
    const count = this.options.throttle.failed(key);
    const waitMs = this.options.throttle.waitFor(key);
    if (waitMs > 0) return { waitMs };
    const attemptsLeft = freeAttempts - count;
    return count > 1 && attemptsLeft > 0 ? { attemptsLeft } : null;
  }

  /** The central service refused the token: forget it and ask for a new sign-in. */
  expire(): void {
    this.token = null;
    this.options.events.publish({ name: 'session.required', payload: { reason: 'expired' } });
  }

  signOut(): void {
    if (this.info) this.options.audit.append('sign-out', { operatorId: this.info.operator.id });
    // The service forgets the token too (best effort: offline, it expires on its own).
    if (this.token) void this.options.client.signOut(this.token);
    this.token = null;
    this.info = null;
    this.key = null;
    this.account = null;
    this.verifier = null;
    this.options.onSignedOut();
    this.options.events.publish({ name: 'session.required', payload: { reason: 'signed-out' } });
  }

  /** Who is acting now, for the audit trail (null: nobody, or the schedule). */
  operatorId(): string | null {
    return this.info?.operator.id ?? null;
  }

  close(): void {
    clearInterval(this.idleTimer);
  }
}
