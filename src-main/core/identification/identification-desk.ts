import type { EnablementRequest, IdentificationSubmission, PresentedDocument } from '../../../shared/contract/central-api';
import type { IdentificationDraft, IdentificationResult } from '../../../shared/contract/identification';
import type { SessionInfo } from '../../../shared/contract/sync';
import { todayIn } from '../../../shared/domain/dates';
import { normalizeFiscalCode } from '../../../shared/domain/fiscal-code';
import { assessDraft, enteredDocument, type IdentificationAssessment } from '../../../shared/domain/identification';
import { normalizeDocumentNumber } from '../../../shared/domain/identity-document';
import { refusalReasonTexts, suggestedRefusalReasons, type RefusalReasonCode } from '../../../shared/domain/refusal-reasons';
import type { AuditLog } from '../audit/audit-log';
import type { RequestsRepository } from '../requests/requests-repository';
import { failures } from '../rpc/failures';
import type { SessionManager } from '../session/session-manager';
import type { SyncEngine } from '../sync/engine';
import type { OutcomeRecorder } from './outcomes';

export interface IdentificationDeskParts {
  requests: RequestsRepository;
  /** A draft read back is audited (it holds the applicant's documents). */
  audit: AuditLog;
  session: SessionManager;
  recorder: OutcomeRecorder;
  /** Sends and tells where an outcome stands. */
  sync: Pick<SyncEngine, 'push' | 'outbox' | 'describe'>;
  /** This installation's id (the device in each submission). */
  deviceId: () => string;
  now: () => Date;
  /** How long a confirmation waits for the central service before saying "queued" (default 8 s). */
  sendWaitMs?: number;
}

/**
 * The identification desk in the main process: keeps the wizard's drafts in memory,
 * and turns a draft into a confirmation or a refusal. The renderer is untrusted: every
 * check runs again here, with the server's "today".
 */
export class IdentificationDesk {
  /** By request; each draft belongs to the operator who made it, and only they read it back. */
  private readonly drafts = new Map<string, { operatorId: string; draft: IdentificationDraft }>();

  constructor(private readonly parts: IdentificationDeskParts) {}

  draft(requestId: string): IdentificationDraft | null {
    const operatorId = this.signedIn().operator.id;
    const kept = this.drafts.get(requestId);
    if (!kept || kept.operatorId !== operatorId) return null;
    this.parts.audit.append('view-draft', { operatorId, subject: requestId });
    return kept.draft;
  }

  /** Saved for the operator signed in; another operator's draft of the same request is never overwritten. */
  saveDraft(draft: IdentificationDraft): void {
    const operatorId = this.signedIn().operator.id;
    const kept = this.drafts.get(draft.requestId);
    if (kept && kept.operatorId !== operatorId) return;
    this.drafts.set(draft.requestId, { operatorId, draft });
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

  private signedIn(): SessionInfo {
    const current = this.parts.session.current();
    if (!current) throw failures.notSignedIn();
    return current;
  }

  private request(id: string): EnablementRequest {
    const request = this.parts.requests.findById(id);
    if (!request) throw failures.requestNotFound();
    return request;
  }

  private assess(draft: IdentificationDraft, request: EnablementRequest): IdentificationAssessment {
    return assessDraft(request, draft, todayIn('Europe/Rome', this.parts.now()));
  }

  /** Only an account the central service lets identify records outcomes: any other would be refused there, and lost. */
  private mayIdentify(): SessionInfo {
    const current = this.signedIn();
    if (!current.canIdentify) throw failures.cannotIdentify();
    return current;
  }

  async confirm(draft: IdentificationDraft, acknowledgedWarnings: string[], password: string): Promise<IdentificationResult> {
    const before = this.mayIdentify().operator.id;
    await this.parts.session.checkPassword(password, 'confirm');
    // The outcome is recorded under whoever's password was checked, or not at all.
    if (this.parts.session.operatorId() !== before) throw failures.notSignedIn();
    const request = this.request(draft.requestId);
    const assessment = this.assess(draft, request);
    if (!assessment.canConfirm) throw failures.identificationBlocked(assessment.blocking.map((finding) => finding.text));
    const missing = assessment.warnings.filter((warning) => !acknowledgedWarnings.includes(warning.code));
    if (missing.length > 0) throw failures.warningsNotAcknowledged(missing.map((warning) => warning.text));
    return this.record(draft, {
      ...this.submission(draft, request, 'confirmed'),
      refusal: null,
      checks: { blocking: [], acknowledgedWarnings: assessment.warnings.map((warning) => warning.code) },
    });
  }

  /** `reasons` from the catalogue; `other` needs the note that says what. */
  async refuse(draft: IdentificationDraft, reasons: RefusalReasonCode[], note: string): Promise<IdentificationResult> {
    this.mayIdentify();
    const request = this.request(draft.requestId);
    const assessment = this.assess(draft, request);
    if (reasons.includes('other') && !note.trim()) throw failures.refusalNoteNeeded();
    // The receipt says each reason in the catalogue's words, with what this assessment saw behind it.
    const evidence = suggestedRefusalReasons(assessment);
    const reasonTexts = reasons.map((code) => {
      if (code === 'other') return note.trim();
      const seen = evidence.get(code)?.map((finding) => finding.message) ?? [];
      return seen.length ? `${refusalReasonTexts[code]} (${seen.join(' ')})` : refusalReasonTexts[code];
    });
    return this.record(
      draft,
      {
        ...this.submission(draft, request, 'refused'),
        refusal: { reasons, note },
        checks: { blocking: assessment.blocking.map((finding) => finding.code), acknowledgedWarnings: [] },
      },
      reasonTexts,
    );
  }

  private submission(
    draft: IdentificationDraft,
    request: EnablementRequest,
    outcome: 'confirmed' | 'refused',
  ): Omit<IdentificationSubmission, 'refusal' | 'checks'> {
    const session = this.signedIn();
    const documents: PresentedDocument[] = [];
    const add = (draftDocument: IdentificationDraft['document'], holder: 'applicant' | 'delegate') => {
      const document = enteredDocument(draftDocument);
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
      device: { id: this.parts.deviceId() },
      officeCode: session.office.code,
      capturedAt: this.parts.now().toISOString(),
    };
  }

  /** The outcome, its outbox row and its audit entry in one transaction; then a moment to send it. */
  private async record(
    draft: IdentificationDraft,
    submission: IdentificationSubmission,
    refusalReasonTexts: string[] = [],
  ): Promise<IdentificationResult> {
    const session = this.signedIn();
    const recorded = this.parts.recorder.record(submission, { office: session.office, refusalReasonTexts });
    this.drafts.delete(draft.requestId);
    return this.result(recorded.identificationId, recorded.opId, submission.outcome);
  }

  /** Gives the sync engine a moment to send, then says where the outcome stands. */
  private async result(identificationId: string, opId: string, outcome: 'confirmed' | 'refused'): Promise<IdentificationResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise((resolve) => (timer = setTimeout(resolve, this.parts.sendWaitMs ?? 8000)));
    // The outcome is recorded already: a send that fails here (a full disk while it writes
    // the answer) leaves it queued, and the person must hear that, not "nothing recorded".
    await Promise.race([this.parts.sync.push().catch(() => undefined), waited]);
    clearTimeout(timer);
    const entry = this.parts.sync.outbox.get(opId)!;
    const delivery =
      entry.state === 'acked' ? 'sent' : entry.state === 'conflict' ? 'conflict' : entry.state === 'dead' ? 'dead' : 'queued';
    const problem = delivery === 'conflict' || delivery === 'dead' ? this.parts.sync.describe(entry) : null;
    return { identificationId, outcome, delivery, reason: problem?.reason ?? null, reasonText: problem?.reasonText ?? null };
  }
}
