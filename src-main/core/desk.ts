import type { EnablementRequest, IdentificationSubmission, PresentedDocument } from '../../shared/contract/central-api';
import type { IdentificationDraft, IdentificationResult } from '../../shared/contract/identification';
import { todayIn } from '../../shared/domain/dates';
import { normalizeFiscalCode } from '../../shared/domain/fiscal-code';
import { evaluateIdentification, type IdentificationAssessment } from '../../shared/domain/identification';
import { normalizeDocumentNumber } from '../../shared/domain/identity-document';
import type { AuditLog } from './audit';
import { ServiceFailure } from './dispatcher';
import { recordIdentification } from './identifications';
import type { SessionManager } from './session';
import type { SyncEngine } from './sync/engine';

/**
 * The identification desk in the main process: keeps the wizard's drafts in memory,
 * and turns a draft into a confirmation or a refusal. The renderer is untrusted: every
 * check runs again here, with the server's "today".
 */
export class IdentificationDesk {
  private readonly drafts = new Map<string, IdentificationDraft>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly session: SessionManager,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    /** How long a confirmation waits for the central service before saying "queued". */
    private readonly sendWaitMs = 8000,
  ) {}

  draft(requestId: string): IdentificationDraft | null {
    this.signedIn();
    return this.drafts.get(requestId) ?? null;
  }

  saveDraft(draft: IdentificationDraft): void {
    this.signedIn();
    this.drafts.set(draft.requestId, draft);
  }

  /** Whether an identification is in progress (a wizard saved a draft not yet concluded). */
  hasDrafts(): boolean {
    return this.drafts.size > 0;
  }

  /** Drops the drafts of these requests (their applicant's data was erased). */
  dropDrafts(requestIds: readonly string[]): void {
    for (const id of requestIds) this.drafts.delete(id);
  }

  clearDrafts(): void {
    this.drafts.clear();
  }

  private signedIn() {
    const current = this.session.current();
    if (!current) throw new ServiceFailure('not-signed-in', 'Accedere per identificare i richiedenti.');
    return current;
  }

  private request(id: string): EnablementRequest {
    const request = this.engine.requestFromCache(id);
    if (!request) throw new ServiceFailure('request-not-found', 'Richiesta non trovata sul computer: cercarla di nuovo.');
    return request;
  }

  assess(draft: IdentificationDraft, request: EnablementRequest): IdentificationAssessment {
    return evaluateIdentification({
      request: { ...request, declaredDocument: { ...request.declaredDocument } },
      presenter: draft.presenter,
      document: draft.document,
      fiscalCodeCard: draft.fiscalCodeCard,
      delegate: draft.delegate ? { ...draft.delegate, document: draft.delegate.document } : null,
      ticks: draft.ticks,
      on: todayIn('Europe/Rome', this.now()),
    });
  }

  private submission(
    draft: IdentificationDraft,
    request: EnablementRequest,
    outcome: 'confirmed' | 'refused',
  ): Omit<IdentificationSubmission, 'refusal' | 'checks'> {
    const session = this.signedIn();
    const documents: PresentedDocument[] = [];
    const add = (document: IdentificationDraft['document'], holder: 'applicant' | 'delegate') => {
      if (document && normalizeDocumentNumber(document.number)) {
        documents.push({ ...document, number: normalizeDocumentNumber(document.number), holder });
      }
    };
    add(draft.document, 'applicant');
    if (draft.presenter === 'delegate') add(draft.delegate?.document ?? null, 'delegate');
    const cardCode = draft.fiscalCodeCard ? normalizeFiscalCode(draft.fiscalCodeCard.fiscalCode.replace(/\*/g, '')) : '';
    const delegateCode = draft.delegate ? normalizeFiscalCode(draft.delegate.fiscalCode) : '';
    return {
      requestId: request.id,
      requestVersion: request.version,
      outcome,
      presenter: draft.presenter,
      documents,
      fiscalCodeCard:
        draft.fiscalCodeCard && /^[A-Z0-9]{16}$/.test(cardCode) ? { kind: draft.fiscalCodeCard.kind, fiscalCode: cardCode } : null,
      delegate:
        draft.presenter === 'delegate' && draft.delegate && /^[A-Z0-9]{16}$/.test(delegateCode)
          ? {
              fiscalCode: delegateCode,
              surname: draft.delegate.surname,
              name: draft.delegate.name,
              sex: draft.delegate.sex,
              birthDate: draft.delegate.birthDate,
              birthPlaceCode: draft.delegate.birthPlaceCode,
            }
          : null,
      operator: { id: session.operator.id, displayName: session.operator.displayName },
      device: { id: this.engine.state.clientId() },
      officeCode: session.office.code,
      capturedAt: this.now().toISOString(),
    };
  }

  async confirm(draft: IdentificationDraft, acknowledgedWarnings: string[], password: string): Promise<IdentificationResult> {
    this.signedIn();
    await this.session.checkPassword(password, 'Password non corretta: la conferma non è stata registrata.');
    const request = this.request(draft.requestId);
    const assessment = this.assess(draft, request);
    if (!assessment.canConfirm) {
      throw new ServiceFailure(
        'identification-blocked',
        `Conferma non possibile: ${assessment.blocking.map((finding) => finding.message).join(' ')}`,
      );
    }
    const missing = assessment.warnings.filter((warning) => !acknowledgedWarnings.includes(warning.code));
    if (missing.length > 0) {
      throw new ServiceFailure(
        'warnings-not-acknowledged',
        `Prendere visione delle avvertenze: ${missing.map((warning) => warning.message).join(' ')}`,
      );
    }
    return this.record(draft, request, {
      ...this.submission(draft, request, 'confirmed'),
      refusal: null,
      checks: { blocking: [], acknowledgedWarnings: assessment.warnings.map((warning) => warning.code) },
    });
  }

  async refuse(draft: IdentificationDraft, reasons: string[], reasonTexts: string[], note: string): Promise<IdentificationResult> {
    this.signedIn();
    const request = this.request(draft.requestId);
    const assessment = this.assess(draft, request);
    return this.record(
      draft,
      request,
      {
        ...this.submission(draft, request, 'refused'),
        refusal: { reasons, note },
        checks: { blocking: assessment.blocking.map((finding) => finding.code), acknowledgedWarnings: [] },
      },
      reasonTexts,
    );
  }

  /** The outcome, its outbox row and its audit entry in one transaction; then a moment to send it. */
  private async record(
    draft: IdentificationDraft,
    request: EnablementRequest,
    submission: IdentificationSubmission,
    refusalReasonTexts: string[] = [],
  ): Promise<IdentificationResult> {
    const session = this.signedIn();
    const recorded = this.engine.outbox.inTransaction(() => {
      const outcome = recordIdentification(this.engine, submission, { office: session.office, refusalReasonTexts });
      this.audit.append(submission.outcome === 'confirmed' ? 'confirm' : 'refuse', {
        operatorId: session.operator.id,
        fiscalCode: request.applicant.fiscalCode,
        subject: outcome.identificationId,
      });
      return outcome;
    });
    this.drafts.delete(draft.requestId);
    return this.result(recorded.identificationId, recorded.opId, submission.outcome);
  }

  /** Gives the sync engine a moment to send, then says where the outcome stands. */
  private async result(identificationId: string, opId: string, outcome: 'confirmed' | 'refused'): Promise<IdentificationResult> {
    await Promise.race([this.engine.push(), new Promise((resolve) => setTimeout(resolve, this.sendWaitMs))]);
    const entry = this.engine.outbox.get(opId)!;
    const delivery =
      entry.state === 'acked' ? 'sent' : entry.state === 'conflict' ? 'conflict' : entry.state === 'dead' ? 'dead' : 'queued';
    const reason = delivery === 'conflict' || delivery === 'dead' ? this.engine.describeProblem(entry).reason : null;
    return { identificationId, outcome, delivery, reason };
  }
}
