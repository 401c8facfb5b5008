import type { DocumentRequest, RenderedDocumentDto } from '../../../shared/contract/documents';
import { ServiceFailure } from '../dispatcher';
import { identificationRecordSchema } from '../identifications';
import type { SessionManager } from '../session';
import type { SyncEngine } from '../sync/engine';
import type { Archive } from '../archive';
import type { DocumentRenderer, RegisterRow } from './documents';

/**
 * Gathers what each document needs from the cache, the identification records and the
 * session, and renders it. The same request and clock give the same PDF.
 */
export class DocumentService {
  constructor(
    private readonly renderer: DocumentRenderer,
    private readonly engine: SyncEngine,
    private readonly session: SessionManager,
    private readonly archive: Archive,
    private readonly now: () => Date,
  ) {}

  private signedIn() {
    const current = this.session.current();
    if (!current) throw new ServiceFailure('not-signed-in', 'Accedere per stampare i documenti dell’ufficio.');
    return current;
  }

  private request(id: string) {
    const request = this.engine.requestFromCache(id);
    if (!request) throw new ServiceFailure('request-not-found', 'Richiesta non trovata sul computer: cercarla di nuovo.');
    return request;
  }

  async render(input: DocumentRequest): Promise<RenderedDocumentDto> {
    const now = this.now();
    let rendered;
    switch (input.kind) {
      case 'modulo-adesione': {
        const session = this.signedIn();
        rendered = await this.renderer.moduloAdesione(this.request(input.requestId), session.office, session.operator, now);
        break;
      }
      case 'modulo-delega':
        rendered = await this.renderer.moduloDelega(this.request(input.requestId), input.delegate, now);
        break;
      case 'receipt': {
        const row = this.engine.outbox.identification(input.identificationId);
        if (!row) throw new ServiceFailure('identification-not-found', 'Identificazione non trovata.');
        const parsed = identificationRecordSchema.safeParse(JSON.parse(row.body));
        if (!parsed.success || !parsed.data.request)
          throw new ServiceFailure('identification-unreadable', 'I dati di questa identificazione non sono leggibili.');
        const record = parsed.data;
        const state = this.engine.outbox.stateOfIdentification(row.id);
        const office = record.office ?? this.signedIn().office;
        rendered = await this.renderer.receipt(
          {
            identificationId: row.id,
            request: record.request!,
            outcome: row.outcome,
            presenter: record.submission.presenter,
            delegateName: record.delegateName,
            office,
            operator: record.submission.operator,
            at: record.submission.capturedAt,
            queued: state !== 'acked',
            refusalReasons: record.refusalReasonTexts,
            refusalNote: record.submission.refusal?.note ?? '',
          },
          now,
        );
        break;
      }
      case 'daily-register': {
        const session = this.signedIn();
        if (session.operator.role !== 'office-admin') {
          throw new ServiceFailure('forbidden', 'Solo il dirigente scolastico o il DSGA possono stampare il registro.');
        }
        // The archive already reads the day's records: the register prints what it lists.
        const rows: RegisterRow[] = this.archive.list(input.date).map((entry) => ({
          at: entry.at,
          requestId: entry.requestId,
          fiscalCode: entry.fiscalCode,
          surname: entry.surname,
          name: entry.name,
          outcome: entry.outcome,
          presenter: entry.presenter,
          operator: entry.operatorName,
          syncState: entry.syncState,
        }));
        rendered = await this.renderer.dailyRegister(input.date, session.office, rows, now);
        break;
      }
    }
    return {
      title: rendered.title,
      fileName: rendered.fileName,
      mimeType: 'application/pdf',
      base64: Buffer.from(rendered.bytes).toString('base64'),
    };
  }
}
