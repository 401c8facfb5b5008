import type { OfficeScope } from '../shared/contract/central-api';

/**
 * Office scopes: which requests an office's desks keep a local copy of. A request
 * belongs to the province of the applicant's domicile; the province's region comes from
 * ANPR's archive of comuni (resources/data/anpr, IDREGIONE of the active comuni).
 */
const regions: Record<string, { name: string; provinces: string }> = {
  '01': { name: 'Piemonte', provinces: 'AL AT BI CN NO TO VB VC' },
  '02': { name: "Valle d'Aosta", provinces: 'AO' },
  '03': { name: 'Lombardia', provinces: 'BG BS CO CR LC LO MB MI MN PV SO VA' },
  '04': { name: 'Trentino-Alto Adige', provinces: 'BZ TN' },
  '05': { name: 'Veneto', provinces: 'BL PD RO TV VE VI VR' },
  '06': { name: 'Friuli-Venezia Giulia', provinces: 'GO PN TS UD' },
  '07': { name: 'Liguria', provinces: 'GE IM SP SV' },
  '08': { name: 'Emilia-Romagna', provinces: 'BO FC FE MO PC PR RA RE RN' },
  '09': { name: 'Toscana', provinces: 'AR FI GR LI LU MS PI PO PT SI' },
  '10': { name: 'Umbria', provinces: 'PG TR' },
  '11': { name: 'Marche', provinces: 'AN AP FM MC PU' },
  '12': { name: 'Lazio', provinces: 'FR LT RI RM VT' },
  '13': { name: 'Abruzzo', provinces: 'AQ CH PE TE' },
  '14': { name: 'Molise', provinces: 'CB IS' },
  '15': { name: 'Campania', provinces: 'AV BN CE NA SA' },
  '16': { name: 'Puglia', provinces: 'BA BR BT FG LE TA' },
  '17': { name: 'Basilicata', provinces: 'MT PZ' },
  '18': { name: 'Calabria', provinces: 'CS CZ KR RC VV' },
  '19': { name: 'Sicilia', provinces: 'AG CL CT EN ME PA RG SR TP' },
  '20': { name: 'Sardegna', provinces: 'CA NU OR SS SU' },
};

const regionOfProvince = new Map<string, string>(
  Object.entries(regions).flatMap(([code, region]) => region.provinces.split(' ').map((province) => [province, code] as const)),
);

/** The ISTAT region code of a province abbreviation, or null for an unknown one. */
export function regionOf(province: string): string | null {
  return regionOfProvince.get(province.toUpperCase()) ?? null;
}

export function isProvince(area: string): boolean {
  return regionOfProvince.has(area.toUpperCase());
}

export function isRegion(area: string): boolean {
  return area in regions;
}

export type ScopeKind = OfficeScope['kind'];

export function describeScope(kind: ScopeKind, area: string | null): OfficeScope {
  if (kind === 'national') return { kind: 'national', area: null, label: 'tutta Italia' };
  // A province or region without its area matches nothing (never the whole country).
  if (!area) return { kind, area: null, label: 'nessuna zona' };
  if (kind === 'region') return { kind, area, label: `regione ${regions[area]?.name ?? area}` };
  return { kind, area, label: `provincia ${area}` };
}

/** Short, stable name of a scope, written into cursors: a cursor of another scope is refused (410). */
export function scopeTag(kind: ScopeKind, area: string | null): string {
  if (kind === 'national') return 'N';
  return area ? `${kind === 'region' ? 'R' : 'P'}${area}` : 'X';
}
