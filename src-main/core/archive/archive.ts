import type { ArchiveEntry } from '../../../shared/contract/identification';
import type { AuditLog } from '../audit/audit-log';
import type { IdentificationsRepository } from '../identification/identifications-repository';
import { readIdentificationRecord } from '../identification/outcomes';
import { notAcceptedReason, notAcceptedText } from '../sync/problems';
import { isRefusalReasonCode } from '../../../shared/domain/refusal-reasons';
import { outcomeStatusWords, syncStateWords } from '../../../shared/domain/outcome-words';
import { outcomeStatus } from '../../../shared/contract/identification';

/**
 * The desk's archive: the day's identifications, and the register as CSV. Who may read
 * and export it is the access policy's business (src-main/core/access.ts).
 */
export class Archive {
  constructor(
    private readonly identifications: IdentificationsRepository,
    private readonly audit: AuditLog,
  ) {}

  /** The day as a person reads it on screen: audited (a bulk read of applicants' data). */
  read(day: string, operatorId: string | null): ArchiveEntry[] {
    const entries = this.list(day);
    this.audit.append('view-archive', { operatorId, subject: day });
    return entries;
  }

  /** The day's entries, for the register and the CSV (each audited as what it is). */
  list(day: string): ArchiveEntry[] {
    return this.identifications.ofDay(day).flatMap((row) => this.entry(row));
  }

  /**
   * What this computer already did for a request (a refusal yesterday, a confirmation not
   * accepted), shown with the request when the applicant is looked up again.
   */
  ofRequest(requestId: string, operatorId: string | null): ArchiveEntry[] {
    const entries = this.identifications.ofRequest(requestId).flatMap((row) => this.entry(row));
    // Audited like any view of an applicant's data (when there is something to see).
    if (entries.length > 0) this.audit.append('view-history', { operatorId, fiscalCode: entries[0]!.fiscalCode, subject: requestId });
    return entries;
  }

  private entry(row: ReturnType<IdentificationsRepository['ofDay']>[number]): ArchiveEntry[] {
    const record = readIdentificationRecord(row);
    if (!record) return [];
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
        status: outcomeStatus(row.outcome, row.syncState),
        notAcceptedReason: notAcceptedReason(row),
        notAcceptedReasonText: notAcceptedText(row),
        refusalReasons: record.refusalReasonTexts,
        // Older records may hold codes no longer in the catalogue: only the catalogue's are worded.
        refusalReasonCodes: (record.submission.refusal?.reasons ?? []).filter(isRefusalReasonCode),
        refusalNote: record.submission.refusal?.note ?? '',
      },
    ];
  }

  /** Semicolon-separated, UTF-8 with BOM (opens right in Italian spreadsheets); no formula injection. */
  exportCsv(day: string, operatorId: string | null): { fileName: string; mimeType: 'text/csv'; content: string } {
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
      entry.notAcceptedReason ? `${outcomeStatusWords[entry.status]}: ${entry.notAcceptedReason}` : outcomeStatusWords[entry.status],
      entry.presenter === 'applicant' ? 'Richiedente' : `Delegato: ${entry.delegateName ?? ''}`,
      entry.operatorName,
      syncStateWords[entry.syncState],
      entry.refusalReasons.join(' | '),
    ]);
    const content = '\uFEFF' + [header, ...rows].map((row) => row.map(cell).join(';')).join('\r\n') + '\r\n';
    this.audit.append('export', { operatorId, subject: `register-csv ${day}` });
    return { fileName: `registro-${day}.csv`, mimeType: 'text/csv', content };
  }
}
