import type { EnablementRequest } from '../../../shared/contract/central-api';
import { parseFiscalCode } from '../../../shared/domain/fiscal-code';

/** The canonical form of a fiscal code (an omocode variant finds its request); as typed, upper-cased, when it does not parse. */
export function canonicalFiscalCode(code: string, on: string): string {
  const parsed = parseFiscalCode(code, { on });
  return parsed.ok ? parsed.value.canonical : code.toUpperCase();
}

/** A cached request as its row holds it: keyed by the canonical fiscal code, the request itself as JSON text. */
export interface RequestRow {
  id: string;
  version: number;
  fiscalCode: string;
  status: string;
  body: string;
  updatedAt: string;
}

/** The row of a request (no I/O: the pull makes a page's rows before handing them to its writer, which may be another thread). */
export function requestRow(request: EnablementRequest): RequestRow {
  return {
    id: request.id,
    version: request.version,
    fiscalCode: canonicalFiscalCode(request.applicant.fiscalCode, request.createdAt.slice(0, 10)),
    status: request.status,
    body: JSON.stringify(request),
    updatedAt: request.updatedAt,
  };
}
