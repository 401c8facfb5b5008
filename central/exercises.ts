import type { EnablementRequest, TrainingExercise, TrainingExerciseKind, TrainingSpecimens } from '../shared/contract/central-api';
import { trainingExerciseKinds } from '../shared/contract/central-api';
import { daysInMonth, formatIsoDate, parseIsoDate } from '../shared/domain/dates';
import { buildTd1 } from '../shared/domain/mrz';
import {
  createRandom,
  personalFields,
  syntheticContacts,
  syntheticHealthCardNumber,
  syntheticIdentityCard,
  syntheticPerson,
  type Random,
  type SyntheticPerson,
} from '../shared/domain/synthetic-people';
import { addDays } from './seed';
import type { StoredRequest, TrainingCard } from './store';

/**
 * The practice cases of a training service (#17): one synthetic request per kind, in the
 * first training office's province (Roma), with the specimens the applicant (and, in the
 * delegate case, their delegate) shows: the identity document with its MRZ, the tessera
 * sanitaria. Deterministic: the same cases at every start.
 */

const exerciseId = (index: number) => `REQ-9${String(index + 1).padStart(6, '0')}`;

/**
 * A CIE issued on `issueDate`, expiring on the holder's birthday after ten years (DL 5/2012):
 * fixed dates, so a kit printed once stays right after any reset, on any day.
 */
function identityCard(random: Random, person: SyntheticPerson, issueDate: string) {
  const { number, issuer } = syntheticIdentityCard(random, person, issueDate);
  const issue = parseIsoDate(issueDate)!;
  const birth = parseIsoDate(person.birthDate)!;
  const afterBirthday = birth.month < issue.month || (birth.month === issue.month && birth.day < issue.day);
  const year = issue.year + 10 + (afterBirthday ? 1 : 0);
  const expiryDate = formatIsoDate(year, birth.month, Math.min(birth.day, daysInMonth(year, birth.month)));
  return { kind: 'cie' as const, number, issuer, issueDate, expiryDate };
}

function specimens(random: Random, person: SyntheticPerson, issueDate: string): TrainingSpecimens {
  const document = identityCard(random, person, issueDate);
  return {
    ...personalFields(person),
    document,
    mrz: mrzOf(person, document.number, document.expiryDate),
    healthCard: { holder: personalFields(person), number: syntheticHealthCardNumber(random), expiryDate: '2031-12-31' },
  };
}

const mrzOf = (person: SyntheticPerson, number: string, expiryDate: string) =>
  buildTd1({
    surname: person.surname,
    name: person.name,
    sex: person.sex,
    birthDate: person.birthDate,
    documentNumber: number,
    expiryDate,
  });

/** The requests and training cards of the practice cases, as of `now`. */
export function trainingExercises(now: Date): { requests: StoredRequest[]; cards: TrainingCard[] } {
  const random = createRandom(9000);
  const nowIso = now.toISOString();
  const requests: StoredRequest[] = [];
  const cards: TrainingCard[] = [];
  trainingExerciseKinds.forEach((kind: TrainingExerciseKind, index) => {
    // Born in Italy, with a canonical code: each case teaches one thing only.
    const person = syntheticPerson(random, { foreignShare: 0, omocodeShare: 0 });
    const contacts = syntheticContacts(random, person);
    // The expired case's card was issued in 2015: it expired on the holder's birthday ten years on (by February 2026).
    const applicant = specimens(random, person, kind === 'expired-document' ? '2015-02-10' : '2024-03-12');
    const declared = applicant.document;
    if (kind === 'document-mismatch') {
      // Another card than the one declared: a new number (and its MRZ).
      const number = `${declared.number.slice(0, -2)}${declared.number.endsWith('ZZ') ? 'ZY' : 'ZZ'}`;
      applicant.document = { ...declared, number };
      applicant.mrz = mrzOf(person, number, declared.expiryDate!);
    }
    if (kind === 'card-of-another-person') {
      applicant.healthCard = {
        ...applicant.healthCard,
        holder: personalFields(syntheticPerson(random, { foreignShare: 0, omocodeShare: 0 })),
      };
    }
    const delegate =
      kind === 'delegate' ? specimens(random, syntheticPerson(random, { foreignShare: 0, omocodeShare: 0 }), '2023-09-18') : null;
    const status: EnablementRequest['status'] =
      kind === 'annulled'
        ? 'annulled'
        : kind === 'already-enabled'
          ? 'enabled'
          : kind === 'code-not-confirmed'
            ? 'awaiting-code-confirmation'
            : 'awaiting-identification';
    const createdAt = addDays(nowIso, -10);
    const request: StoredRequest = {
      id: exerciseId(index),
      version: 1,
      kind: 'first-enablement',
      status,
      identificationRequired: true,
      applicant: {
        ...personalFields(person),
        email: contacts.email,
        mobile: contacts.mobile,
        homePhone: null,
        domicile: { address: `Via della Prova ${index + 1}`, comune: 'Roma', province: 'RM' },
      },
      declaredDocument: declared,
      createdAt,
      expiresAt: addDays(createdAt, 90),
      updatedAt: createdAt,
      enabledAt: status === 'enabled' ? createdAt : null,
    };
    requests.push(request);
    const exercise: TrainingExercise = { kind, requestId: request.id, applicant, delegate };
    cards.push({
      requestId: request.id,
      presentedDocument: applicant.document,
      healthCardNumber: applicant.healthCard.number,
      healthCardExpiry: applicant.healthCard.expiryDate,
      mrz: applicant.mrz,
      exercise,
    });
  });
  return { requests, cards };
}
