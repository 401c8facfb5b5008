import type { ArchiveEntry } from '../../shared/contract/identification';
import { identificationRecordSchema } from './identifications';
import type { SyncEngine } from './sync/engine';

/**
 * The desk's archive: the day's identifications, and the register as CSV. Who may read
 * and export it is the access policy's business (src-main/core/access.ts).
 */
export class Archive {
  constructor(private readonly engine: SyncEngine) {}

  list(day: string): ArchiveEntry[] {
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
