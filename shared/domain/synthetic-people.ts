import { birthPlacesValidOn, findBirthPlace, isBirthPlaceValidOn, type BirthPlace } from './belfiore';
import { daysInMonth, formatIsoDate, parseIsoDate, type IsoDate } from './dates';
import { computeFiscalCode, omocodeVariant, type Sex } from './fiscal-code';
import { luhnCheckDigit } from './health-card';
import type { IdentityDocumentData } from './identification';

/**
 * Synthetic applicants for training mode, tests and benchmarks: realistic Italian and
 * foreign names (accents, apostrophes, Latin letters outside Italian), valid birth
 * places for their birth date, valid fiscal codes. Never real people.
 * Deterministic for a seed.
 */

/** mulberry32: small, fast, good enough for fixtures; same seed → same people. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const digits = (random: Random, count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
const letters = (random: Random, count: number) =>
  Array.from({ length: count }, () => String.fromCharCode(65 + Math.floor(random() * 26))).join('');

// prettier-ignore
const italianSurnames = [
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco',
  'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti',
  "D'Angelo", "Dell'Orto", "D'Amico", "Dell'Acqua", 'Lo Iacono', 'La Rosa', 'Di Stefano', 'Dal Santo',
  'Fabbri', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini',
  'Leone', 'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Serra', 'Coppola', 'De Santis', "D'Agostino", 'Orrù',
  'Cossu', 'Pintus', 'Niccolò', 'Sanna', 'Piras', 'Melis', 'Fiorentino', 'Parisi', 'Amato', 'Sorrentino',
  'Zanetti', 'Bernardi', 'Pellegrini', 'Palumbo', 'Sartori', 'Farina', 'Testa', 'Villa', 'Cattaneo', 'Giuliani',
  'Xu', 'Yi', 'Ng', 'Oe',
] as const;
// prettier-ignore
const italianMaleNames = [
  'Marco', 'Giuseppe', 'Luca', 'Francesco', 'Alessandro', 'Andrea', 'Giovanni', 'Matteo', 'Lorenzo', 'Davide',
  'Nicolò', 'Niccolò', 'Gioele', 'Mattia', 'Riccardo', 'Simone', 'Federico', 'Stefano', 'Paolo', 'Antonio',
  'Gian Luca', 'Pier Paolo', 'Salvatore', 'Vincenzo', 'Domenico', 'Emanuele', 'Raffaele', 'Ugo', 'Elia', 'Noè',
] as const;
// prettier-ignore
const italianFemaleNames = [
  'Giulia', 'Chiara', 'Francesca', 'Sara', 'Martina', 'Alessia', 'Valentina', 'Federica', 'Elisa', 'Silvia',
  'Maria Chiara', 'Anna Maria', 'Ilaria', 'Noemi', 'Beatrice', 'Aurora', 'Greta', 'Caterina', 'Paola', 'Laura',
  'Rosaria', 'Concetta', 'Annunziata', 'Lucia', 'Ida', 'Eva', 'Zoe', 'Asia', 'Ginevra', 'Bianca',
] as const;

interface ForeignOrigin {
  countryCode: string;
  surnames: readonly string[];
  male: readonly string[];
  female: readonly string[];
}
// prettier-ignore
const foreignOrigins: readonly ForeignOrigin[] = [
  { countryCode: 'Z129', surnames: ['Ștefănescu', 'Popescu', 'Ionescu', 'Dumitrașcu', 'Țurcanu'], male: ['Ion', 'Mihai', 'Gheorghe', 'Ștefan'], female: ['Ioana', 'Andreea', 'Mădălina', 'Ștefania'] },
  { countryCode: 'Z127', surnames: ['Kowalski', 'Nowak', 'Wiśniewski', 'Łukaszewicz', 'Żak'], male: ['Łukasz', 'Paweł', 'Wojciech'], female: ['Małgorzata', 'Agnieszka', 'Joanna'] },
  { countryCode: 'Z112', surnames: ['Müller', 'Schäfer', 'Groß', 'Weiß'], male: ['Jürgen', 'Jörg', 'Uwe'], female: ['Käthe', 'Gisela', 'Ute'] },
  { countryCode: 'Z131', surnames: ['Núñez', 'Muñoz', 'García Peña', 'Ibáñez'], male: ['José', 'Íñigo', 'Raúl'], female: ['María José', 'Begoña', 'Inés'] },
  { countryCode: 'Z134', surnames: ['Szőke', 'Kovács', 'Tóth', 'Erdős'], male: ['Ödön', 'Gyula', 'Zoltán'], female: ['Erzsébet', 'Ildikó', 'Zsófia'] },
  { countryCode: 'Z100', surnames: ['Hoxha', 'Çela', 'Dervishi', 'Shehu'], male: ['Arbër', 'Ermal', 'Gëzim'], female: ['Ënkelejda', 'Drita', 'Mirela'] },
  { countryCode: 'Z330', surnames: ['El Amrani', 'Benali', 'Ait Oufella', 'Bouzid'], male: ['Youssef', 'Mohamed Amine', 'Karim'], female: ['Fatima Zahra', 'Salma', 'Nour'] },
  { countryCode: 'Z216', surnames: ['Dela Cruz', 'Santos', 'Reyes', 'Bautista'], male: ['Jose Rizal', 'Mark Anthony'], female: ['Maria Luz', 'Rowena', 'Jennelyn'] },
  { countryCode: 'Z251', surnames: ['Nguyễn', 'Trần', 'Phạm', 'Lê'], male: ['Văn Minh', 'Đức Anh'], female: ['Thị Hồng', 'Ngọc Anh'] },
  { countryCode: 'Z243', surnames: ['Öztürk', 'Şahin', 'Yılmaz', 'Çelik'], male: ['Ömer', 'Emre'], female: ['Gülşen', 'Ayşe'] },
  { countryCode: 'Z125', surnames: ['Ødegaard', 'Sørensen', 'Jørgensen'], male: ['Søren', 'Bjørn'], female: ['Åse', 'Ingrid'] },
  { countryCode: 'Z602', surnames: ['Gonçalves', 'Araújo', 'Conceição'], male: ['João', 'Sebastião'], female: ['Conceição', 'Luíza'] },
];

/** Well-known comuni for most births (valid since before 1900), the rest drawn at random. */
// prettier-ignore
const commonComuni = ['H501', 'F205', 'F839', 'L219', 'G273', 'A944', 'D612', 'A662', 'C351', 'L736', 'L781', 'G224', 'D969', 'B354', 'H224', 'E506'];

export interface SyntheticPerson {
  surname: string;
  name: string;
  sex: Sex;
  birthDate: IsoDate;
  birthPlaceCode: string;
  birthPlace: string;
  fiscalCode: string;
  foreignBorn: boolean;
}

/** What a request's applicant carries of a person (the contract's personal fields). */
export function personalFields(person: SyntheticPerson) {
  const { fiscalCode, surname, name, sex, birthDate, birthPlaceCode } = person;
  return { fiscalCode, surname, name, sex, birthDate, birthPlaceCode };
}

export interface SyntheticPeopleOptions {
  /** Inclusive range of birth dates. Default 1950-01-01 .. 2006-12-31 (school staff). */
  bornFrom?: IsoDate;
  bornTo?: IsoDate;
  /** Share of people born abroad (Z codes). Default 0.2. */
  foreignShare?: number;
  /** Share of fiscal codes issued as omocodia variants. Default 0.02. */
  omocodeShare?: number;
}

function randomDate(random: Random, from: IsoDate, to: IsoDate): IsoDate {
  const start = Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)));
  const end = Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - 1, Number(to.slice(8, 10)));
  return new Date(start + Math.floor(random() * ((end - start) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
}

let allComuni: BirthPlace[] | null = null;

function randomComune(random: Random, birthDate: IsoDate): BirthPlace {
  if (random() < 0.6) {
    const place = findBirthPlace(pick(random, commonComuni));
    if (place && isBirthPlaceValidOn(place, birthDate)) return place;
  }
  allComuni ??= birthPlacesValidOn('1900-01-01', 'comune').concat(birthPlacesValidOn('2000-01-01', 'comune'));
  for (let attempt = 0; attempt < 50; attempt++) {
    const place = pick(random, allComuni);
    if (isBirthPlaceValidOn(place, birthDate)) return place;
  }
  return findBirthPlace('H501')!;
}

export function syntheticPerson(random: Random, options: SyntheticPeopleOptions = {}): SyntheticPerson {
  const sex: Sex = random() < 0.5 ? 'M' : 'F';
  const birthDate = randomDate(random, options.bornFrom ?? '1950-01-01', options.bornTo ?? '2006-12-31');
  const foreign = random() < (options.foreignShare ?? 0.2);
  let surname: string;
  let name: string;
  let place: BirthPlace | undefined;
  if (foreign) {
    const origin = pick(random, foreignOrigins);
    place = findBirthPlace(origin.countryCode);
    if (place && !isBirthPlaceValidOn(place, birthDate)) place = undefined;
    surname = pick(random, origin.surnames);
    name = pick(random, sex === 'M' ? origin.male : origin.female);
  } else {
    surname = pick(random, italianSurnames);
    name = pick(random, sex === 'M' ? italianMaleNames : italianFemaleNames);
  }
  place ??= randomComune(random, birthDate);
  const canonical = computeFiscalCode({ surname, name, sex, birthDate, birthPlaceCode: place.code });
  const omocode = random() < (options.omocodeShare ?? 0.02);
  return {
    surname,
    name,
    sex,
    birthDate,
    birthPlaceCode: place.code,
    birthPlace: place.kind === 'comune' ? `${place.name} (${place.area})` : place.name,
    fiscalCode: omocode ? omocodeVariant(canonical, 1 + Math.floor(random() * 3)) : canonical,
    foreignBorn: place.kind === 'country',
  };
}

export function syntheticPeople(seed: number, count: number, options: SyntheticPeopleOptions = {}): SyntheticPerson[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => syntheticPerson(random, options));
}

/** A CIE 3.0 issued within the last ten years, expiring on the holder's birthday (DL 5/2012). */
export function syntheticIdentityCard(random: Random, person: SyntheticPerson, on: IsoDate): IdentityDocumentData {
  const today = parseIsoDate(on)!;
  const issueDate = randomDate(random, formatIsoDate(today.year - 9, 1, 1), on);
  const birth = parseIsoDate(person.birthDate)!;
  const issue = parseIsoDate(issueDate)!;
  let expiryYear = issue.year + 10;
  // The birthday following the tenth anniversary of issue.
  if (birth.month < issue.month || (birth.month === issue.month && birth.day < issue.day)) expiryYear += 1;
  const expiryDay = Math.min(birth.day, daysInMonth(expiryYear, birth.month));
  const comune = findBirthPlace(pick(random, commonComuni))!;
  return {
    kind: 'cie',
    number: `C${letters(random, 1)}${digits(random, 5)}${letters(random, 2)}`,
    issuer: `Comune di ${comune.name}`,
    issueDate,
    expiryDate: formatIsoDate(expiryYear, birth.month, expiryDay),
  };
}

/** Tessera sanitaria number: 80380 + 14 digits + Luhn check digit. */
export function syntheticHealthCardNumber(random: Random): string {
  const body = `80380${digits(random, 14)}`;
  return body + luhnCheckDigit(body);
}

/** Contacts that cannot reach anyone: reserved example domain, an unassigned-looking number. */
export function syntheticContacts(random: Random, person: Pick<SyntheticPerson, 'surname' | 'name'>): { email: string; mobile: string } {
  const local = `${person.name}.${person.surname}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  return { email: `${local}.${digits(random, 3)}@example.org`, mobile: `+39 300 000 ${digits(random, 4)}` };
}
