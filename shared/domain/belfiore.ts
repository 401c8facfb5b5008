import { belfioreDatasetInfo, belfiorePlacesText } from './belfiore-places.generated';
import type { IsoDate } from './dates';

/**
 * Belfiore codes (codici catastali) of Italian comuni and, with a leading Z, of foreign
 * countries, each with the period it was valid. Dataset: see belfiore-places.generated.ts
 * and README ("Belfiore dataset").
 */
export interface BirthPlace {
  code: string;
  name: string;
  /** Province abbreviation for a comune (e.g. `RM`), ISO 3166 code for a country. */
  area: string;
  kind: 'comune' | 'country';
  /** First day of validity, or null when unknown or from before 1861. */
  validFrom: IsoDate | null;
  /** Last day of validity, or null while the place still exists. */
  validTo: IsoDate | null;
}

export { belfioreDatasetInfo };

const compactToIso = (text: string): IsoDate | null => (text ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : null);

let index: Map<string, BirthPlace> | null = null;

function places(): Map<string, BirthPlace> {
  if (index) return index;
  index = new Map();
  for (const line of belfiorePlacesText.split('\n')) {
    const [code = '', name = '', area = '', from = '', to = ''] = line.split('|');
    index.set(code, {
      code,
      name,
      area,
      kind: code.startsWith('Z') ? 'country' : 'comune',
      validFrom: compactToIso(from),
      validTo: compactToIso(to),
    });
  }
  return index;
}

export function findBirthPlace(code: string): BirthPlace | undefined {
  return places().get(code.toUpperCase());
}

export function isBirthPlaceValidOn(place: BirthPlace, date: IsoDate): boolean {
  return (place.validFrom === null || place.validFrom <= date) && (place.validTo === null || date <= place.validTo);
}

/** Every place valid on `date` (used by the synthetic-people generator). */
export function birthPlacesValidOn(date: IsoDate, kind?: BirthPlace['kind']): BirthPlace[] {
  return [...places().values()].filter((place) => (!kind || place.kind === kind) && isBirthPlaceValidOn(place, date));
}

export function describeBirthPlace(place: BirthPlace): string {
  return place.kind === 'comune' ? `${place.name} (${place.area})` : place.name;
}
