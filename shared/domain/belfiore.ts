import { belfioreDatasetInfo, belfiorePlacesText } from './belfiore-places.generated';
import type { IsoDate } from './dates';

/**
 * Belfiore codes (codici catastali) of Italian comuni and, with a leading Z, of foreign
 * countries, with every period in which each code existed (ANPR; both ends inclusive).
 * A code may have several periods: a comune renamed, moved to another province,
 * suppressed and re-established. Dataset: belfiore-places.generated.ts, README
 * ("Belfiore dataset"). Fonte: ANPR – Ministero dell'Interno (CC-BY 4.0).
 */
export interface BirthPlacePeriod {
  name: string;
  /** Province abbreviation for a comune (e.g. `RM`), `EE` for a foreign country. */
  area: string;
  /** First day of validity. */
  validFrom: IsoDate;
  /** Last day of validity, or null while the place still exists. */
  validTo: IsoDate | null;
}

export interface BirthPlace extends BirthPlacePeriod {
  code: string;
  kind: 'comune' | 'country';
  /** Every period, oldest first; the place's own name, area and bounds are its latest period's. */
  periods: BirthPlacePeriod[];
}

export { belfioreDatasetInfo };

const compactToIso = (text: string): IsoDate | null => (text ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : null);

let index: Map<string, BirthPlace> | null = null;

function places(): Map<string, BirthPlace> {
  if (index) return index;
  index = new Map();
  for (const line of belfiorePlacesText.split('\n')) {
    const [code = '', name = '', area = '', from = '', to = ''] = line.split('|');
    const period: BirthPlacePeriod = { name, area, validFrom: compactToIso(from)!, validTo: compactToIso(to) };
    const known = index.get(code);
    if (known) {
      known.periods.push(period);
      Object.assign(known, period);
    } else {
      index.set(code, { code, kind: code.startsWith('Z') ? 'country' : 'comune', ...period, periods: [period] });
    }
  }
  return index;
}

export function findBirthPlace(code: string): BirthPlace | undefined {
  return places().get(code.toUpperCase());
}

/** The period of `place` that covers `date` (last day included), or undefined. */
export function birthPlacePeriodOn(place: BirthPlace, date: IsoDate): BirthPlacePeriod | undefined {
  return place.periods.find((period) => period.validFrom <= date && (period.validTo === null || date <= period.validTo));
}

export function isBirthPlaceValidOn(place: BirthPlace, date: IsoDate): boolean {
  return birthPlacePeriodOn(place, date) !== undefined;
}

/** Every place valid on `date` (used by the synthetic-people generator). */
export function birthPlacesValidOn(date: IsoDate, kind?: BirthPlace['kind']): BirthPlace[] {
  return [...places().values()].filter((place) => (!kind || place.kind === kind) && isBirthPlaceValidOn(place, date));
}

/** "Abano Terme (PD)", or a country's name; on a date, the name the place had then. */
export function describeBirthPlace(place: BirthPlace, on?: IsoDate): string {
  const period = (on && birthPlacePeriodOn(place, on)) || place;
  return place.kind === 'comune' ? `${period.name} (${period.area})` : period.name;
}
