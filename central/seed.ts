import type { EnablementRequest, Office } from '../shared/contract/central-api';
import { buildTd1 } from '../shared/domain/mrz';
import {
  createRandom,
  personalFields,
  syntheticContacts,
  syntheticHealthCardNumber,
  syntheticIdentityCard,
  syntheticPerson,
  type Random,
} from '../shared/domain/synthetic-people';
import { findBirthPlace } from '../shared/domain/belfiore';
import type { CentralStore, StoredRequest, TrainingCard } from './store';

/**
 * Seeds the reference central service with synthetic enablement requests: every status
 * and kind, foreign-born and non-Italian names, a few declared documents that will not
 * match what the applicant shows, and two training offices in different provinces
 * (Roma and Milano), each with an office administrator and an operator.
 */

export const trainingOffice: Office & { province: string } = {
  code: 'ZZIS00100A',
  name: 'Istituto di prova "Sportello"',
  comune: 'Roma',
  province: 'RM',
};
export const secondTrainingOffice: Office & { province: string } = {
  code: 'ZZIS00200B',
  name: 'Istituto di prova "Secondo sportello"',
  comune: 'Milano',
  province: 'MI',
};

const operatorsOf = (prefix: string) => [
  {
    username: 'dirigente',
    password: 'prova-dirigente',
    operator: { id: `${prefix}dirigente`, displayName: 'Dirigente di prova', role: 'office-admin' as const },
  },
  {
    username: 'segreteria',
    password: 'prova-segreteria',
    operator: { id: `${prefix}segreteria`, displayName: 'Assistente di prova', role: 'operator' as const },
  },
];
/** The first office's accounts (ids `op-dirigente`, `op-segreteria`). */
export const trainingOperators = operatorsOf('op-');
/** The second office's: the same usernames and passwords, other ids. */
export const secondTrainingOperators = operatorsOf('op-zzis00200b-');

const streets = [
  'Via Roma',
  'Via Garibaldi',
  'Corso Italia',
  'Via dei Mille',
  "Piazza dell'Unità",
  'Viale della Repubblica',
  'Via San Martino',
];
/** Domiciles (Belfiore codes, weights): most in Roma and Milano, where the training offices are. */
const domiciles: Array<[string, number]> = [
  ['H501', 40],
  ['F205', 20],
  ['A944', 8],
  ['D612', 8],
  ['L219', 8],
  ['F839', 8],
  ['G273', 4],
  ['L736', 4],
];

function weighted<T>(random: Random, choices: Array<[T, number]>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return choices[choices.length - 1]![0];
}

export const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

export interface SeedOptions {
  count: number;
  seed?: number;
  /** Server "now"; requests are created in the 60 days before. */
  now: Date;
}

export async function seedCentral(store: CentralStore, options: SeedOptions): Promise<void> {
  const random = createRandom(options.seed ?? 1);
  const nowIso = options.now.toISOString();
  const today = nowIso.slice(0, 10);
  for (const [office, operators] of [
    [trainingOffice, trainingOperators],
    [secondTrainingOffice, secondTrainingOperators],
  ] as const) {
    await store.putOffice(office);
    for (const { username, password, operator } of operators) await store.putOperator(office.code, username, password, operator);
  }

  const requests: StoredRequest[] = [];
  const cards: TrainingCard[] = [];
  {
    for (let i = 0; i < options.count; i++) {
      const person = syntheticPerson(random, { foreignShare: 0.2, omocodeShare: 0.02 });
      const document = syntheticIdentityCard(random, person, today);
      const contacts = syntheticContacts(random, person);
      const domicile = findBirthPlace(weighted(random, domiciles))!;
      const status = weighted<EnablementRequest['status']>(random, [
        ['awaiting-identification', 65],
        ['awaiting-code-confirmation', 12],
        ['enabled', 10],
        ['annulled', 6],
        ['expired', 7],
      ]);
      const createdAt = addDays(nowIso, -Math.floor(random() * 60) - 1);
      const request: StoredRequest = {
        id: `REQ-${String(i + 1).padStart(7, '0')}`,
        version: 1,
        kind: weighted(random, [
          ['first-enablement', 70],
          ['re-enablement', 20],
          ['unblock', 10],
        ]),
        status,
        identificationRequired: random() >= 0.05,
        applicant: {
          ...personalFields(person),
          email: contacts.email,
          mobile: random() < 0.9 ? contacts.mobile : null,
          homePhone: random() < 0.2 ? `+39 06 0000 ${String(Math.floor(random() * 10000)).padStart(4, '0')}` : null,
          domicile: {
            address: `${streets[Math.floor(random() * streets.length)]} ${1 + Math.floor(random() * 200)}`,
            comune: domicile.name,
            province: domicile.area,
          },
        },
        declaredDocument: { ...document, expiryDate: document.expiryDate ?? null },
        createdAt,
        // Expired requests expired yesterday; the others run 90 days from creation.
        expiresAt: status === 'expired' ? addDays(nowIso, -1) : addDays(createdAt, 90),
        updatedAt: createdAt,
        enabledAt: status === 'enabled' ? addDays(createdAt, 1) : null,
      };
      requests.push(request);

      // What the synthetic applicant shows: usually the declared card; sometimes not.
      const presented = { ...request.declaredDocument };
      if (random() < 0.04) presented.number = presented.number.slice(0, -2) + (presented.number.endsWith('AA') ? 'AB' : 'AA');
      cards.push({
        requestId: request.id,
        presentedDocument: presented,
        healthCardNumber: syntheticHealthCardNumber(random),
        healthCardExpiry: addDays(nowIso, 365 * 3).slice(0, 10),
        mrz:
          presented.kind === 'cie' && presented.expiryDate
            ? buildTd1({
                surname: person.surname,
                name: person.name,
                sex: person.sex,
                birthDate: person.birthDate,
                documentNumber: presented.number,
                expiryDate: presented.expiryDate,
              })
            : null,
      });
    }
  }
  await store.putRequests(requests);
  await store.putTrainingCards(cards);
}
