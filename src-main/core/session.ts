import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { SessionInfo } from '../../shared/contract/sync';
import type { CentralClient } from './sync/central-client';
import { ServiceFailure } from './dispatcher';
import type { EventHub } from './events';

/**
 * The signed-in operator. The central-service token lives here, in the main process,
 * and nowhere else: never in the renderer, never in a log.
 */
export class SessionManager {
  private token: string | null = null;
  private info: SessionInfo | null = null;
  /** scrypt of the password of this sign-in, to confirm identifications (memory only). */
  private verifier: { salt: Buffer; hash: Buffer } | null = null;

  constructor(
    private readonly client: CentralClient,
    private readonly deviceId: () => string,
    private readonly events: EventHub,
    private readonly onSignedIn: () => void,
  ) {}

  current(): SessionInfo | null {
    return this.info;
  }

  currentToken(): string | null {
    return this.token;
  }

  async signIn(officeCode: string, username: string, password: string): Promise<SessionInfo> {
    const result = await this.client.signIn({ officeCode, username, password, deviceId: this.deviceId() });
    if (!result.ok) {
      const failure = result.failure;
      if (failure.kind === 'network') {
        throw new ServiceFailure('central-unreachable', 'Servizio centrale non raggiungibile: verificare la connessione e riprovare.');
      }
      if (failure.kind === 'http' && failure.status === 401) {
        throw new ServiceFailure('invalid-credentials', 'Codice meccanografico, nome utente o password non corretti.');
      }
      throw new ServiceFailure('central-error', 'Il servizio centrale non ha accettato l’accesso: riprovare più tardi.');
    }
    this.token = result.value.token;
    this.info = { operator: result.value.operator, office: result.value.office, expiresAt: result.value.expiresAt, mode: 'online' };
    const salt = randomBytes(16);
    this.verifier = { salt, hash: scryptSync(password, salt, 32) };
    this.onSignedIn();
    return this.info;
  }

  /** The central service refused the token: forget it and ask for a new sign-in. */
  expire(): void {
    this.token = null;
    this.events.publish({ name: 'session.required', payload: { reason: 'expired' } });
  }

  /** The operator re-enters the password to confirm an identification. */
  verifyPassword(password: string): boolean {
    if (!this.verifier) return false;
    return timingSafeEqual(scryptSync(password, this.verifier.salt, 32), this.verifier.hash);
  }

  signOut(): void {
    this.token = null;
    this.info = null;
    this.verifier = null;
    this.events.publish({ name: 'session.required', payload: { reason: 'signed-out' } });
  }
}
