import type { ArchiveEntry } from '../../shared/contract/identification';
import { ServiceFailure } from './dispatcher';
import { identificationRecordSchema } from './identifications';
import type { SessionManager } from './session';
import type { SyncEngine } from './sync/engine';

/** The desk's archive: the day's identifications, and the register as CSV. */
export class Archive {
  constructor(
    private readonly engine: SyncEngine,
    private readonly session: SessionManager,
  ) {}

  list(day: string): ArchiveEntry[] {
    if (!this.session.current()) throw new ServiceFailure('not-signed-in', 'Accedere per consultare l’archivio.');
    return this.engine.outbox.identificationsOfDay(day).flatMap((row) => {
      const parsed = identificationRecordSchema.safeParse(JSON.parse(row.body));
      if (!parsed.success) return [];
      const record = parsed.data;
      return [
        {
          identificationId: row.id,
          at: row.createdAt,
          requestId: row.requestId,
          fiscalCode: record.request?.applicant.fiscalCode ?? row.fiscalCode,
          surname: record.request?.applicant.surname ?? '',
          name: record.request?.applicant.name ?? '',
          outcome: row.outcome,
          presenter: record.submission.presenter,
          delegateName: record.delegateName,
          operatorId: row.operatorId,
          operatorName: record.submission.operator.displayName,
          syncState: row.syncState,
          refusalReasons: record.refusalReasonTexts,
          refusalNote: record.submission.refusal?.note ?? '',
        },
      ];
    });
  }

  /** Semicolon-separated, UTF-8 with BOM (opens right in Italian spreadsheets); no formula injection. */
  exportCsv(day: string): { fileName: string; mimeType: 'text/csv'; content: string } {
    const session = this.session.current();
    if (!session) throw new ServiceFailure('not-signed-in', 'Accedere per esportare il registro.');
    if (session.operator.role !== 'office-admin') {
      throw new ServiceFailure('forbidden', 'Solo il dirigente scolastico o il DSGA possono esportare il registro.');
    }
    const cell = (value: string) => {
      const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
      return `"${safe.replace(/"/g, '""')}"`;
    };
    const header = [
      'Data e ora',
      'Richiesta',
      'Codice fiscale',
      'Cognome',
      'Nome',
      'Esito',
      'Presentato da',
      'Operatore',
      'Stato invio',
      'Motivi del rifiuto',
    ];
    const rows = this.list(day).map((entry) => [
      entry.at,
      entry.requestId,
      entry.fiscalCode,
      entry.surname,
      entry.name,
      entry.outcome === 'confirmed' ? 'Confermata' : 'Rifiutata',
      entry.presenter === 'applicant' ? 'Richiedente' : `Delegato: ${entry.delegateName ?? ''}`,
      entry.operatorName,
      entry.syncState,
      entry.refusalReasons.join(' | '),
    ]);
    const content = '\uFEFF' + [header, ...rows].map((row) => row.map(cell).join(';')).join('\r\n') + '\r\n';
    return { fileName: `registro-${day}.csv`, mimeType: 'text/csv', content };
  }
}
