import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The documents' wording (resources/documents/wording.it.json), validated as it is read: a missing text fails at start, not at the desk. */
const text = z.string();
export const wordingSchema = z.object({
  common: z.record(z.string(), text).and(z.object({ trainingWatermark: text })),
  fields: z.record(z.string(), text),
  moduloAdesione: z.object({
    title: text,
    applicantSection: text,
    documentSection: text,
    declarationsSection: text,
    declarations: z.array(text),
    applicantSignature: text,
    /** The applicant is not at the desk: they sign before handing the modulo to their delegate. */
    applicantSignatureByDelegate: text,
    officeSection: text,
    operatorSignature: text,
    qrCaption: text,
  }),
  moduloDelega: z.object({
    title: text,
    delegatorSection: text,
    delegatorDocument: text,
    delegateSection: text,
    delegateDocument: text,
    statement: text,
    placeAndDate: text,
    delegatorSignature: text,
    delegateSignature: text,
  }),
  identificationReceipt: z.object({
    title: text,
    outcomeConfirmed: text,
    queuedNotice: text,
    presentedByApplicant: text,
    presentedByDelegate: text,
    nextStepsTitle: text,
    nextSteps: z.array(text),
  }),
  informativaPrivacy: z.object({
    title: text,
    subtitle: text,
    /** The controller's and the DPO's contacts, from the settings; or where they are published. */
    contactsGiven: text,
    contactsElsewhere: text,
    sections: z.array(z.object({ heading: text, text })).min(1),
  }),
  notAcceptedNotice: z.object({
    title: text,
    outcome: text,
    intro: text,
    reasonTitle: text,
    nextStepsTitle: text,
    nextSteps: z.array(text),
  }),
  refusalReceipt: z.object({
    title: text,
    outcomeRefused: text,
    reasonsTitle: text,
    noteTitle: text,
    nextStepsTitle: text,
    nextSteps: z.array(text),
  }),
  trainingKit: z.object({
    title: text,
    marking: text,
    intro: text,
    request: text,
    applicantPart: text,
    delegatePart: text,
    documentTitle: text,
    mrzTitle: text,
    healthCardTitle: text,
    cardNumber: text,
    barcodeCaption: text,
  }),
  dailyRegister: z.object({
    title: text,
    subtitle: text,
    /** The register of a range of days. */
    titleRange: text,
    subtitleRange: text,
    emptyRange: text,
    columns: z.record(z.string(), text),
    outcomes: z.object({ accepted: text, queued: text, 'not-accepted': text, refused: text }),
    presenterApplicant: text,
    presenterDelegate: text,
    syncStates: z.record(z.string(), text),
    totals: text,
    empty: text,
  }),
});
export type Wording = z.infer<typeof wordingSchema>;

export function loadWording(resourcesDirectory: string): Wording {
  return wordingSchema.parse(JSON.parse(readFileSync(join(resourcesDirectory, 'documents', 'wording.it.json'), 'utf8')));
}

/** `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
