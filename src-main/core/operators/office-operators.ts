import type { CreateOperatorRequest, ManagedOperator, UpdateOperatorRequest } from '../../../shared/contract/central-api';
import type { AuditLog } from '../audit/audit-log';
import { failures } from '../rpc/failures';
import type { SessionManager } from '../session/session-manager';
import type { CentralClient, CentralFailure } from '../sync/central-client';

/**
 * The office's operators, managed by its administrators (head teacher, DSGA): who may
 * identify at the desk. The central service holds the accounts; this desk only asks,
 * online, with the administrator's own session, and audits every change it made.
 */
export interface OfficeOperatorsParts {
  client: CentralClient;
  session: SessionManager;
  audit: AuditLog;
}

export class OfficeOperators {
  constructor(private readonly parts: OfficeOperatorsParts) {}

  private token(): string {
    const token = this.parts.session.currentToken();
    if (!token) throw failures.operatorsOffline();
    return token;
  }

  private refused(failure: CentralFailure, username?: string): never {
    if (failure.kind === 'network') throw failures.operatorsOffline();
    if (failure.kind === 'http' && failure.status === 401) {
      this.parts.session.expire();
      throw failures.notSignedIn();
    }
    if (failure.kind === 'http' && failure.code === 'username-taken') throw failures.usernameTaken(username ?? '');
    if (failure.kind === 'http' && failure.status === 404) throw failures.operatorNotFound();
    if (failure.kind === 'http' && failure.status === 403) throw failures.forbidden();
    throw failures.centralRefused();
  }

  async list(): Promise<ManagedOperator[]> {
    const answer = await this.parts.client.listOperators(this.token());
    if (!answer.ok) this.refused(answer.failure);
    return answer.value.items;
  }

  async create(input: CreateOperatorRequest): Promise<{ operator: ManagedOperator; temporaryPassword: string }> {
    const answer = await this.parts.client.createOperator(this.token(), input);
    if (!answer.ok) this.refused(answer.failure, input.username);
    this.parts.audit.append('operator-created', {
      operatorId: this.parts.session.operatorId(),
      subject: `${answer.value.operator.id} ${input.role}${input.canIdentify ? ' identifica' : ''}`,
    });
    return answer.value;
  }

  async update(operatorId: string, change: UpdateOperatorRequest): Promise<ManagedOperator> {
    if (operatorId === this.parts.session.operatorId()) throw failures.notOnYourself();
    const answer = await this.parts.client.updateOperator(this.token(), operatorId, change);
    if (!answer.ok) this.refused(answer.failure);
    const described = [
      change.canIdentify === undefined ? null : change.canIdentify ? 'abilitato a identificare' : 'abilitazione revocata',
      change.disabled === undefined ? null : change.disabled ? 'disattivato' : 'riattivato',
    ].filter(Boolean);
    this.parts.audit.append('operator-changed', {
      operatorId: this.parts.session.operatorId(),
      subject: `${operatorId} ${described.join(', ')}`,
    });
    return answer.value;
  }
}
