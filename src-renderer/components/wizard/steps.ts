import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { IdentityDocumentInput } from '../../../shared/contract';
import type { WizardStep } from '../../../shared/domain/identification';
import { useWizardStore } from '../../stores/wizard';
import { say } from '../../i18n/say';
import { typedDateProblems } from '../../composables/datesTyped';

/** The i18n key of a step's title ("request" in the domain's terms is the confirmation). */
export const stepTitleKey = (step: WizardStep) => `wizard.steps.${step === 'request' ? 'confirm' : step}`;

/** A field of a step, declared by the step under the name findings give it (`finding.field`). */
export interface StepField {
  /** The element the error summary links to, and Next focuses first. */
  id: string;
  /** The i18n key of its label: the summary names a missing field with it. */
  label: string;
  /** A required field's current value: empty means still to fill in. */
  required?: () => string | null | undefined;
}
export type StepFields = Record<string, StepField>;

/** What stops Next, with the field to fix. */
export interface StepError {
  id: string;
  message: string;
}

/** What every step component exposes to the wizard. */
export interface WizardStepComponent {
  errors: StepError[];
}

/** The fields of `DocumentForm` with the id prefix it was given. */
export function documentFields(prefix: string, document: () => IdentityDocumentInput | null | undefined): StepFields {
  return {
    kind: { id: `${prefix}-kind`, label: 'wizard.document.kind' },
    number: { id: `${prefix}-number`, label: 'wizard.document.number', required: () => document()?.number },
    issuer: { id: `${prefix}-issuer`, label: 'wizard.document.issuer' },
    issueDate: { id: `${prefix}-issue-date`, label: 'wizard.document.issueDate', required: () => document()?.issueDate },
    expiryDate: { id: `${prefix}-expiry-date`, label: 'wizard.document.expiryDate' },
  };
}

/**
 * What keeps the operator on a step: its required fields still empty, then its blocking
 * findings, each on the field it concerns (a finding about no field in particular goes
 * on `fallback`).
 */
export function useStepErrors(step: WizardStep, fields: StepFields, fallback: string): ComputedRef<StepError[]> {
  const wizard = useWizardStore();
  const { t } = useI18n();
  return computed(() => {
    // A date typed that does not read is named as such, not as "required" or by a check.
    const unread = Object.values(fields).flatMap((field) => {
      const problem = typedDateProblems.of(field.id);
      return problem ? [{ id: field.id, message: `${t(field.label)}: ${say(problem)}` }] : [];
    });
    const missing = Object.values(fields)
      .filter((field) => field.required && !field.required()?.trim() && !typedDateProblems.of(field.id))
      .map((field) => ({ id: field.id, message: `${t(field.label)}: ${t('wizard.required')}` }));
    // A field left empty is named once: "required", not again as "invalid".
    const empty = new Set([...unread, ...missing].map((error) => error.id));
    // In the page's order (the fields' own), whatever order the checks found them in.
    const order = Object.values(fields).map((field) => field.id);
    const place = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
    const findings = wizard
      .blockingOf(step)
      .map((finding) => ({ id: fields[finding.field ?? '']?.id ?? fallback, message: say(finding) }))
      .filter((error) => !empty.has(error.id))
      .sort((a, b) => place(a.id) - place(b.id));
    return [...unread, ...missing, ...findings];
  });
}

/** The first problem of one field, once Next has asked for them (shown beside the field). */
export function errorOf(errors: ComputedRef<StepError[]>, id: string): string | undefined {
  const wizard = useWizardStore();
  return wizard.showErrors ? errors.value.find((error) => error.id === id)?.message : undefined;
}
