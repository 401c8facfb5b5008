import type { DocumentRequest, RenderedDocumentDto } from '../../../shared/contract/documents';
import type { PrintResult } from '../../../shared/contract';
import type { Archive } from '../archive/archive';
import type { AuditLog } from '../audit/audit-log';
import type { IdentificationsRepository } from '../identification/identifications-repository';
import { readIdentificationRecord } from '../identification/outcomes';
import { notAcceptedReason } from '../sync/problems';
import { outcomeStatus } from '../../../shared/contract/identification';
import type { RequestsRepository } from '../requests/requests-repository';
import { failures } from '../rpc/failures';
import type { SessionManager } from '../session/session-manager';
import type { DocumentRenderer, RegisterRow, RenderedDocument } from './documents';
import type { TrainingExercises } from '../training/training';

export interface DocumentServiceParts {
  renderer: DocumentRenderer;
  requests: RequestsRepository;
  identifications: IdentificationsRepository;
  session: SessionManager;
  archive: Archive;
  audit: AuditLog;
  now: () => Date;
  /** How long the desk keeps the data (the informativa says it). */
  settings: { number(key: 'retentionDays'): number; text(key: 'privacyContacts'): string };
  /** Electron: opens a print preview; absent in the browser host (the renderer shows the PDF). */
  printDocument?: (document: RenderedDocument) => Promise<void>;
  /** Training mode: the practice cases, for their kits. */
  training: Pick<TrainingExercises, 'exercise'>;
}

/** What a printed document is about, for the audit trail (ids, never names). */
function documentSubject(input: DocumentRequest): string {
  switch (input.kind) {
    case 'modulo-adesione':
    case 'modulo-delega':
      return `${input.kind} ${input.requestId}`;
    case 'receipt':
      return `receipt ${input.identificationId}`;
    case 'daily-register':
      return input.to && input.to !== input.date ? `daily-register ${input.date}/${input.to}` : `daily-register ${input.date}`;
    case 'informativa-privacy':
      return input.requestId ? `informativa-privacy ${input.requestId}` : 'informativa-privacy';
    case 'training-kit':
      return `training-kit ${input.requestId}`;
  }
}

/**
 * Gathers what each document needs from the cache, the identification records and the
 * session, renders it, and audits the print. The same request and clock give the same PDF.
 */
export class DocumentService {
  constructor(private readonly parts: DocumentServiceParts) {}

  private signedIn() {
    const current = this.parts.session.current();
    if (!current) throw failures.notSignedIn();
    return current;
  }

  private request(id: string) {
    const request = this.parts.requests.findById(id);
    if (!request) throw failures.requestNotFound();
    return request;
  }

  async render(input: DocumentRequest): Promise<RenderedDocumentDto> {
    const rendered = await this.compose(input);
    this.parts.audit.append('print', { operatorId: this.parts.session.operatorId(), subject: documentSubject(input) });
    return {
      title: rendered.title,
      fileName: rendered.fileName,
      mimeType: 'application/pdf',
      base64: Buffer.from(rendered.bytes).toString('base64'),
    };
  }

  /** Electron: a print preview with the system dialog. Browser host: the PDF for the renderer to open. */
  async print(input: DocumentRequest): Promise<PrintResult> {
    const document = await this.render(input);
    if (!this.parts.printDocument) return { mode: 'download', document };
    await this.parts.printDocument({ bytes: Buffer.from(document.base64, 'base64'), fileName: document.fileName, title: document.title });
    return { mode: 'preview', document };
  }

  /** Where an outcome stands with the central service, and why it was not accepted when so. */
  private delivery(identificationId: string, outcome: 'confirmed' | 'refused') {
    const delivery = this.parts.identifications.delivery(identificationId);
    return {
      status: outcomeStatus(outcome, delivery?.syncState ?? 'pending'),
      notAcceptedReason: delivery ? notAcceptedReason(delivery) : null,
    };
  }

  private async compose(input: DocumentRequest) {
    const { renderer } = this.parts;
    const now = this.parts.now();
    switch (input.kind) {
      case 'modulo-adesione': {
        const session = this.signedIn();
        return renderer.moduloAdesione(this.request(input.requestId), session.office, session.operator, now, {
          presenter: input.presenter,
        });
      }
      case 'modulo-delega':
        return renderer.moduloDelega(this.request(input.requestId), input.delegate, now);
      case 'receipt': {
        const row = this.parts.identifications.get(input.identificationId);
        if (!row) throw failures.identificationNotFound();
        const record = readIdentificationRecord(row);
        if (!record?.request) throw failures.identificationUnreadable();
        return renderer.receipt(
          {
            identificationId: row.id,
            request: record.request,
            outcome: row.outcome,
            presenter: record.submission.presenter,
            delegateName: record.delegateName,
            office: record.office ?? this.signedIn().office,
            operator: record.submission.operator,
            at: record.submission.capturedAt,
            ...this.delivery(row.id, row.outcome),
            refusalReasons: record.refusalReasonTexts,
            refusalNote: record.submission.refusal?.note ?? '',
          },
          now,
        );
      }
      case 'daily-register': {
        const session = this.signedIn();
        if (session.operator.role !== 'office-admin') throw failures.forbidden();
        // The archive already reads the days' records: the register prints what it lists (all of it).
        const to = input.to ?? input.date;
        const rows: RegisterRow[] = this.parts.archive.list(input.date, to).map((entry) => ({
          at: entry.at,
          requestId: entry.requestId,
          fiscalCode: entry.fiscalCode,
          surname: entry.surname,
          name: entry.name,
          status: entry.status,
          presenter: entry.presenter,
          operator: entry.operatorName,
          syncState: entry.syncState,
        }));
        return renderer.dailyRegister({ from: input.date, to }, session.office, rows, now);
      }
      case 'informativa-privacy':
        return renderer.informativaPrivacy(this.signedIn().office, this.parts.settings, now);
      case 'training-kit':
        return renderer.trainingKit(await this.parts.training.exercise(input.requestId), now);
    }
  }
}
