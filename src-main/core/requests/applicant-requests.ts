import type { EnablementRequest } from '../../../shared/contract/central-api';
import type { LookupResult } from '../../../shared/contract/sync';
import { todayIn } from '../../../shared/domain/dates';
import { readFiscalCodeBarcode } from '../../../shared/domain/health-card';
import type { AuditLog } from '../audit/audit-log';
import { failures } from '../rpc/failures';
import type { RequestsRepository } from './requests-repository';

/** A fiscal code typed or read from the Code 39 barcode (asterisks included), canonical (omocodia resolved). */
export function readFiscalCodeInput(input: string, now: Date): string {
  const parsed = readFiscalCodeBarcode(input, { on: todayIn('Europe/Rome', now) });
  if (!parsed.ok) throw failures.fiscalCode(`fiscal-code-${parsed.error.code}`, parsed.error.text);
  return parsed.value.canonical;
}

export interface ApplicantRequestsParts {
  requests: RequestsRepository;
  /** Online first when reachable, else the cache (the sync engine's lookup). */
  lookup: (canonical: string) => Promise<LookupResult>;
  audit: AuditLog;
  now: () => Date;
}

/** Finding an applicant's requests at the desk, each look audited with the fiscal code it was about. */
export class ApplicantRequests {
  constructor(private readonly parts: ApplicantRequestsParts) {}

  async lookup(fiscalCode: string, operatorId: string | null): Promise<LookupResult> {
    const canonical = readFiscalCodeInput(fiscalCode, this.parts.now());
    const result = await this.parts.lookup(canonical);
    this.parts.audit.append('lookup', { operatorId, fiscalCode: canonical });
    return result;
  }

  /** One request from the local cache (after a lookup), or null. */
  get(id: string, operatorId: string | null): EnablementRequest | null {
    const request = this.parts.requests.findById(id);
    if (request) this.parts.audit.append('view-applicant', { operatorId, fiscalCode: request.applicant.fiscalCode, subject: request.id });
    return request;
  }
}
