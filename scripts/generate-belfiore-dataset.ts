/**
 * Regenerates `shared/domain/belfiore-places.generated.ts` from ANPR's official data kept
 * in `resources/data/anpr/` (see its README: provenance, licence, how to refresh):
 *
 *   npm run dataset:belfiore
 *
 * - Comuni: every period of every Belfiore code in ANPR's "archivio storico dei comuni",
 *   both ends inclusive as ANPR defines them. Rows of the same code, name and province
 *   that follow each other without a gap are joined; a gap stays a gap (the code did not
 *   exist then), and so does every change of name.
 * - Foreign countries: ANPR's table of states, with the ceased ones; a state ends the day
 *   before its `date_deleted` (the successors' first day).
 * - Changes after the archive's last change (the 2024 fusions) are merged from the dated
 *   dataset of @marketto/belfiore-connector-embedded: comuni it creates after that day
 *   are added, and open periods it closes after that day are closed (its end is the day
 *   after the last valid one, at 23:59 UTC).
 *
 * Output: one line per period, `CODE|name|province-or-EE|from|to`, dates YYYYMMDD, `to`
 * empty while still valid; sorted by code and start. Dates are computed as calendar days
 * in UTC (the package's in local time, as it builds them): the file does not depend on the time zone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as embedded from '@marketto/belfiore-connector-embedded';
import { parse } from 'csv-parse/sync';

const dataDirectory = join(import.meta.dirname, '../resources/data/anpr');
/** `--out FILE` writes elsewhere (the test that the committed file is what the data gives). */
const outIndex = process.argv.indexOf('--out');
const target = outIndex > 0 ? process.argv[outIndex + 1]! : join(import.meta.dirname, '../shared/domain/belfiore-places.generated.ts');

interface Period {
  code: string;
  name: string;
  area: string;
  from: string; // YYYY-MM-DD
  to: string | null; // YYYY-MM-DD, inclusive; null: still valid
}

const addDays = (day: string, days: number) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** ANPR writes names in capitals: "CASTELLO DI ANNONE" → "Castello di Annone", "SANT'ANNA ARRESI" → "Sant'Anna Arresi". */
const particles = new Set([
  'di',
  'del',
  'della',
  'dello',
  'dei',
  'degli',
  'delle',
  'de',
  'e',
  'ed',
  'in',
  'sul',
  'sulla',
  'sullo',
  'sui',
  'al',
  'alla',
  'allo',
  'ai',
  'agli',
  'nel',
  'nella',
  'con',
  'sopra',
  'sotto',
  'da',
  'dal',
  'dalla',
  'a',
  'la',
]);
function titleCase(name: string): string {
  return name
    .toLocaleLowerCase('it')
    .split(/(\s+|-|\/)/)
    .map((word, index) => {
      if (/^(\s+|-|\/)$/.test(word)) return word;
      const apostrophe = word.match(/^([a-zà-ù]+)['’](.*)$/u);
      if (apostrophe) {
        const [, head = '', tail = ''] = apostrophe;
        const lead = index > 0 && ['d', 'dell', 'dall', 'nell', 'sull', 'all', 'l'].includes(head) && head !== 'l' ? head : cap(head);
        return `${lead}'${cap(tail)}`;
      }
      return index > 0 && particles.has(word) ? word : cap(word);
    })
    .join('');
}
const cap = (word: string) => word.charAt(0).toLocaleUpperCase('it') + word.slice(1);

// --- comuni: ANPR's archive ---------------------------------------------------------
const archive = parse(readFileSync(join(dataDirectory, 'ANPR_archivio_comuni.csv')), { bom: true, columns: true }) as Array<
  Record<string, string>
>;
const rows = archive
  .filter((row) => /^[A-Z]\d{3}$/.test(row.CODCATASTALE ?? '')) // "ND": no code recorded
  .map((row) => ({
    code: row.CODCATASTALE!,
    name: titleCase(row.DENOMINAZIONE_IT!),
    area: row.SIGLAPROVINCIA!,
    from: row.DATAISTITUZIONE!,
    to: row.DATACESSAZIONE!.startsWith('9999') ? null : row.DATACESSAZIONE!,
  }))
  .sort((a, b) => a.code.localeCompare(b.code) || a.from.localeCompare(b.from) || (a.to ?? '9999').localeCompare(b.to ?? '9999'));
const archiveLastChange = archive
  .flatMap((row) => [row.DATAISTITUZIONE!, row.DATACESSAZIONE!])
  .filter((day) => !day.startsWith('9999'))
  .reduce((max, day) => (day > max ? day : max), '');

const comuni: Period[] = [];
for (const row of rows) {
  const last = comuni[comuni.length - 1];
  const joins = last && last.code === row.code && last.name === row.name && last.area === row.area;
  if (joins && last.to !== null && row.from <= addDays(last.to, 1)) {
    last.to = row.to === null || row.to > last.to ? row.to : last.to;
  } else if (!(joins && last.to === null)) {
    comuni.push({ ...row });
  }
}

// --- changes after the archive: the dated package --------------------------------------
interface PackagePlace {
  belfioreCode: string;
  name: string;
  province?: string;
  creationDate: Date | string;
  expirationDate: Date | string;
}
const connector = (embedded as unknown as { belfioreConnector: { toArray(): Promise<PackagePlace[]> } }).belfioreConnector;
// The package builds its dates at local midnight (and 23:59:59 local): read the calendar
// day in local time, so that any TZ gives the same day.
const packageDay = (value: Date | string) => {
  const date = new Date(value);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};
const packageVersion = (await import('@marketto/belfiore-connector-embedded/package.json', { with: { type: 'json' } })).default.version;
const merged: string[] = [];
for (const place of await connector.toArray()) {
  if (place.belfioreCode.startsWith('Z')) continue;
  const from = packageDay(place.creationDate);
  const end = packageDay(place.expirationDate);
  const to = end.startsWith('9999') ? null : addDays(end, -1);
  const periods = comuni.filter((period) => period.code === place.belfioreCode);
  if (from > archiveLastChange && periods.length === 0) {
    comuni.push({ code: place.belfioreCode, name: place.name, area: place.province ?? '', from, to });
    merged.push(`${place.belfioreCode} from ${from}`);
  } else if (to !== null && to >= archiveLastChange) {
    const open = periods.find((period) => period.to === null);
    if (open && to >= open.from) {
      open.to = to;
      merged.push(`${place.belfioreCode} to ${to}`);
    }
  }
}
comuni.sort((a, b) => a.code.localeCompare(b.code) || a.from.localeCompare(b.from));

// --- foreign countries ----------------------------------------------------------------
interface AnprCountry {
  code: string;
  name: string;
  date_created: string;
  date_deleted: string;
}
const readCountries = (file: string) => JSON.parse(readFileSync(join(dataDirectory, file), 'utf8')) as AnprCountry[];
const countries: Period[] = [...readCountries('anpr-countries.json'), ...readCountries('anpr-ceased-countries.json')]
  .map((country) => ({
    code: country.code,
    name: country.name,
    area: 'EE',
    from: country.date_created.slice(0, 10),
    to: country.date_deleted ? addDays(country.date_deleted.slice(0, 10), -1) : null,
  }))
  .sort((a, b) => a.code.localeCompare(b.code));
if (new Set(countries.map((country) => country.code)).size !== countries.length) throw new Error('a country code appears twice');

const periods = [...comuni, ...countries];
for (const period of periods) {
  if (/[|\n]/.test(period.name)) throw new Error(`unexpected character in ${period.code}`);
  if (period.to !== null && period.to < period.from) throw new Error(`${period.code}: ends before it starts`);
}
const compact = (day: string | null) => (day ? day.replaceAll('-', '') : '');
const lines = periods.map((period) => [period.code, period.name, period.area, compact(period.from), compact(period.to)].join('|'));
const codes = new Set(periods.map((period) => period.code)).size;

const output = `// GENERATED by scripts/generate-belfiore-dataset.ts from resources/data/anpr/ — do not edit by hand.
// Fonte: ANPR – Ministero dell'Interno (CC-BY 4.0): archivio storico dei comuni (last change ${archiveLastChange}),
// tabella degli stati esteri; changes after ${archiveLastChange} from @marketto/belfiore-connector-embedded ${packageVersion} (MIT):
// ${merged.join(', ') || 'none'}.
// ${codes} codes in ${periods.length} periods (every period kept; both ends inclusive).
export const belfioreDatasetInfo = {
  attribution: 'Fonte: ANPR – Ministero dell’Interno',
  licence: 'CC-BY 4.0',
  archiveLastChange: '${archiveLastChange}',
  mergedFrom: '@marketto/belfiore-connector-embedded@${packageVersion}',
  codes: ${codes},
  periods: ${periods.length},
} as const;

export const belfiorePlacesText = ${JSON.stringify(lines.join('\n'))};
`;
writeFileSync(target, output);
process.stdout.write(`wrote ${target}: ${codes} codes, ${periods.length} periods, ${merged.length} merged changes\n`);
