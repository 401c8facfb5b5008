import type { ArchiveFilters, ArchiveStatistics } from '../../../shared/contract/archive';
import type { ArchiveEntry } from '../../../shared/contract/identification';
import { archiveStatistics, matchesArchiveFilters, rangeProblem } from '../../../shared/domain/archive-query';
import { formatItalianDateTime } from '../../../shared/domain/dates';
import { ServiceFailure } from '../rpc/failures';
import type { AuditLog } from '../audit/audit-log';
import type { IdentificationsRepository } from '../identification/identifications-repository';
import { readIdentificationRecord } from '../identification/outcomes';
import { notAcceptedReason, notAcceptedText } from '../sync/problems';
import { isRefusalReasonCode } from '../../../shared/domain/refusal-reasons';
import { outcomeStatusWords, syncStateWords } from '../../../shared/domain/outcome-words';
import { outcomeStatus } from '../../../shared/contract/identification';

/**
 * The desk's archive: its identifications over a range of days, the register as CSV, the
 * office's statistics. Who may read, export and count is the access policy's business
 * (src-main/core/rpc/access.ts).
 */
export class Archive {
  constructor(
    private readonly identifications: IdentificationsRepository,
    private readonly audit: AuditLog,
  ) {}

  /** The range as a person reads it on screen: audited (a bulk read of applicants' data). */
  read(from: string, to: string, operatorId: string | null): ArchiveEntry[] {
    const entries = this.list(from, to);
    this.audit.append('view-archive', { operatorId, subject: from === to ? from : `${from}/${to}` });
    return entries;
  }

  /** The range's entries (days in Italy, both ends included), for the register and the CSV (each audited as what it is). */
  list(from: string, to: string): ArchiveEntry[] {
    const problem = rangeProblem(from, to);
    if (problem) throw new ServiceFailure('invalid-range', problem);
    return this.identifications.between(from, to).flatMap((row) => this.entry(row));
  }

  /**
   * The range counted per day and operator, its refusals' reasons, and the queue now (no
   * applicant's data; what each operator did is counted: audited as a view of the archive).
   */
  statistics(from: string, to: string, operatorId: string | null): ArchiveStatistics {
    const statistics = archiveStatistics(from, to, this.list(from, to), this.identifications.waiting());
    this.audit.append('view-statistics', { operatorId, subject: from === to ? from : `${from}/${to}` });
    return statistics;
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

  private entry(row: ReturnType<IdentificationsRepository['between']>[number]): ArchiveEntry[] {
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

  /**
   * The range's entries the filters keep, as on the screen: semicolon-separated, UTF-8 with
   * BOM (opens right in Italian spreadsheets), times in Italy as gg/mm/aaaa hh:mm, states in
   * Italian words; no formula injection.
   */
  exportCsv(
    from: string,
    to: string,
    filters: ArchiveFilters,
    operatorId: string | null,
  ): { fileName: string; mimeType: 'text/csv'; content: string } {
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
    const rows = this.list(from, to)
      .filter((entry) => matchesArchiveFilters(entry, filters))
      .map((entry) => [
        formatItalianDateTime(entry.at),
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
    const period = from === to ? from : `${from}_${to}`;
    // What was exported: the range, how many rows, and what narrowed them (ids and states;
    // a search is said to be there, never its text: a name has no place in the trail).
    const narrowed = Object.entries(filters).map(([key, value]) => (key === 'text' ? 'search' : `${key}=${value}`));
    this.audit.append('export', { operatorId, subject: [`register-csv ${period}`, `rows=${rows.length}`, ...narrowed].join(' ') });
    return { fileName: `registro-${period}.csv`, mimeType: 'text/csv', content };
  }
}
