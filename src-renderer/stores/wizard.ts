import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import {
  documentRequestSchema,
  type AppError,
  type DocumentRequest,
  type EnablementRequest,
  type IdentificationDraft,
  type IdentificationResult,
  type IdentityDocumentInput,
} from '../../shared/contract';
import { todayIn } from '../../shared/domain/dates';
import { parseFiscalCode } from '../../shared/domain/fiscal-code';
import { assessDraft, type IdentificationFinding, type Presenter, type WizardStep } from '../../shared/domain/identification';
import { parseMrz, type MrzData } from '../../shared/domain/mrz';
import { suggestedRefusalReasons, type RefusalReasonCode } from '../../shared/domain/refusal-reasons';
import { deskApi } from '../api';
import { useLookupStore } from './lookup';

/** The draft is saved this long after the last change (typing produces a change a key). */
const draftSaveDelayMs = 200;

const emptyDocument = (kind: IdentityDocumentInput['kind']): IdentityDocumentInput => ({
  kind,
  number: '',
  issuer: '',
  issueDate: '',
  expiryDate: null,
});

/**
 * A new draft. The applicant's document kind is preselected from the request; every other
 * detail is typed from the document in hand. A delegate's sex, birth date and place are
 * placeholders until the delegate's fiscal code gives them.
 */
function newDraft(request: EnablementRequest, presenter: Presenter): IdentificationDraft {
  return {
    requestId: request.id,
    presenter,
    document: emptyDocument(request.declaredDocument.kind),
    fiscalCodeCard: { kind: 'health-card', fiscalCode: '', cardNumber: null, expiryDate: null },
    delegate: presenter === 'delegate' ? newDelegate() : null,
    ticks: { moduleSigned: false, photocopiesCollected: false, delegationFormSigned: false, delegatePhotocopiesCollected: false },
  };
}

function newDelegate(): NonNullable<IdentificationDraft['delegate']> {
  return {
    fiscalCode: '',
    surname: '',
    name: '',
    sex: 'M',
    birthDate: '1900-01-01',
    birthPlaceCode: 'Z000',
    document: emptyDocument('cie'),
  };
}

interface Refusal {
  open: boolean;
  /** From the catalogue; `other`: the note says what. */
  reasons: RefusalReasonCode[];
  note: string;
  /** What the operator still has to give before the refusal can be recorded. */
  missing: 'reason' | 'note' | null;
  error: AppError | null;
  /** The reasons offered when it was opened (to tell the operator's own choice from them). */
  suggested?: RefusalReasonCode[];
}
const closedRefusal = (): Refusal => ({ open: false, reasons: [], note: '', missing: null, error: null });

/** A plain copy for the API or a schema (never the reactive proxy). */
const snapshot = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A complete MRZ fills the document it was read from (number, expiry, kind). */
function fillFromMrz(document: IdentityDocumentInput, read: MrzData) {
  document.number = read.documentNumber;
  if (read.expiryDate) document.expiryDate = read.expiryDate;
  if (read.format === 'TD3') document.kind = 'passport';
  else if (document.kind !== 'cie-2') document.kind = 'cie';
}

/**
 * The identification wizard: the request and its draft, the assessment of the draft (the
 * same `assessDraft` the core applies before recording, so what the operator sees is what
 * the core decides), the steps, and the outcome. Views and step components only show it.
 */
export const useWizardStore = defineStore('wizard', () => {
  const lookup = useLookupStore();
  const request = ref<EnablementRequest | null>(null);
  const loadError = ref<AppError | null>(null);
  /** The request is not on this computer (it is looked up on the desk first). */
  const notFound = ref(false);
  const draft = ref<IdentificationDraft | null>(null);
  const today = ref(todayIn());
  const stepIndex = ref(0);
  /** Set by Next on a step with problems: they show beside each field and in the summary. */
  const showErrors = ref(false);
  /** The MRZ as typed or read, per document; never saved. */
  const mrz = ref({ applicant: '', delegate: '' });
  const acknowledged = ref<string[]>([]);
  const password = ref('');
  const submitting = ref(false);
  const submitError = ref<AppError | null>(null);
  /** Confirm was asked with warnings not ticked: said beside them, before the password is sent. */
  const unacknowledged = ref<string[]>([]);
  const result = ref<IdentificationResult | null>(null);
  const refusal = ref(closedRefusal());
  /**
   * The card step was filled by the desk's lookup, made with a reader on the card in hand:
   * shown done, passed over going forward, undone on request (or by changing the code).
   */
  const cardReadAtDesk = ref(false);

  // --- Loading and saving the draft ---------------------------------------------------

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  function cancelSave() {
    clearTimeout(saveTimer);
    saveTimer = undefined;
  }
  function saveNow() {
    cancelSave();
    if (draft.value && !result.value) void deskApi().call('drafts.save', snapshot(draft.value));
  }
  // The draft lives in the main process's memory: a reload of the window resumes it.
  watch(
    draft,
    () => {
      cancelSave();
      if (draft.value && !result.value) saveTimer = setTimeout(saveNow, draftSaveDelayMs);
    },
    { deep: true },
  );

  /** Counts the wizards opened: an answer for one closed since is dropped. */
  let opened = 0;

  function reset() {
    opened += 1;
    cancelSave();
    request.value = null;
    loadError.value = null;
    notFound.value = false;
    draft.value = null;
    stepIndex.value = 0;
    showErrors.value = false;
    mrz.value = { applicant: '', delegate: '' };
    acknowledged.value = [];
    password.value = '';
    submitting.value = false;
    submitError.value = null;
    unacknowledged.value = [];
    result.value = null;
    refusal.value = closedRefusal();
    cardReadAtDesk.value = false;
  }

  /**
   * Opens the wizard on a request: the saved draft when there is one (a reload), else a
   * new one. `presenter` was chosen on the desk: the wizard starts at the document.
   */
  async function load(requestId: string, presenter: Presenter | null) {
    reset();
    const current = opened;
    today.value = todayIn();
    const [loaded, saved] = await Promise.all([
      deskApi().call('requests.get', { id: requestId }),
      deskApi().call('drafts.get', { requestId }),
    ]);
    if (current !== opened) return;
    if (!loaded.ok) loadError.value = loaded.error;
    else if (!loaded.value) notFound.value = true;
    if (!loaded.ok || !loaded.value) return;
    // The card the operator came from may be stale: ask the central service now (online
    // first, the cache otherwise), so a request enabled or annulled since says so at once.
    const fresh = await deskApi().call('requests.lookup', { fiscalCode: loaded.value.applicant.fiscalCode });
    if (current !== opened) return;
    request.value = (fresh.ok && fresh.value.items.find((item) => item.id === requestId)) || loaded.value;
    if (saved.ok && saved.value) draft.value = saved.value;
    else {
      draft.value = newDraft(request.value, presenter ?? 'applicant');
      if (presenter) stepIndex.value = 1;
      if (lookup.cardRead && lookup.cardRead === request.value.applicant.fiscalCode) {
        draft.value.fiscalCodeCard!.fiscalCode = lookup.cardRead;
        cardReadAtDesk.value = true;
      }
    }
    // A reading is for the wizard opened after it, once: another one later asks for the card again.
    lookup.cardRead = null;
  }

  /** The operator undoes the desk's reading: the card step asks for the card again. */
  function undoCardRead() {
    if (draft.value?.fiscalCodeCard) draft.value.fiscalCodeCard.fiscalCode = '';
    cardReadAtDesk.value = false;
  }
  // A code changed by hand on the card step is no longer the one the reader read.
  watch(
    () => draft.value?.fiscalCodeCard?.fiscalCode,
    (code) => {
      if (cardReadAtDesk.value && code !== request.value?.applicant.fiscalCode) cardReadAtDesk.value = false;
    },
  );

  /** Leaving the wizard: what was typed last is saved now, and nothing stays in this page. */
  function leave() {
    if (saveTimer) saveNow();
    reset();
  }

  /** Off to the guide (F1): what was typed is saved now, and the wizard stays as it is for the way back (not the password). */
  function keep() {
    if (saveTimer) saveNow();
    password.value = '';
  }

  /**
   * The session locked: the wizard's screen leaves the page, its state stays here (the
   * core refuses a save while locked: what is pending is saved on resuming).
   */
  let pendingSave = false;
  function suspend() {
    pendingSave = saveTimer !== undefined;
    cancelSave();
  }

  /** Back after the unlock on the same request: true when the state was kept (nothing to load). */
  function resume(requestId: string): boolean {
    if (request.value?.id !== requestId || !draft.value) return false;
    if (pendingSave) saveNow();
    pendingSave = false;
    return true;
  }

  // A delegate gets their own data the first time the presenter becomes "delegate".
  watch(
    () => draft.value?.presenter,
    (presenter) => {
      if (presenter === 'delegate' && draft.value && !draft.value.delegate) draft.value.delegate = newDelegate();
    },
  );

  /** The delegate's fiscal code, when it reads right: sex, birth date and place follow from it. */
  const delegateCode = computed(() => {
    const parsed = parseFiscalCode(draft.value?.delegate?.fiscalCode ?? '', { on: today.value });
    return parsed.ok ? parsed.value : null;
  });
  watch(delegateCode, (derived) => {
    const delegate = draft.value?.delegate;
    if (!delegate) return;
    // A code that stops reading right takes its sex, birth date and place with it.
    const { sex, birthDate, birthPlaceCode } = derived ?? newDelegate();
    Object.assign(delegate, { sex, birthDate, birthPlaceCode });
  });

  /**
   * The modulo di delega with the delegate as typed so far: null until their data and
   * document are complete enough to print (the form checks it as the core will).
   */
  const delegationForm = computed((): DocumentRequest | null => {
    const delegate = draft.value?.delegate;
    // Only with a fiscal code that reads right: the delega prints the birth data it gives.
    if (draft.value?.presenter !== 'delegate' || !delegate?.document || !delegateCode.value) return null;
    const request = { kind: 'modulo-delega', requestId: draft.value.requestId, delegate: { ...delegate, document: delegate.document } };
    const parsed = documentRequestSchema.safeParse(snapshot(request));
    return parsed.success ? parsed.data : null;
  });

  // --- MRZ ------------------------------------------------------------------------------

  const readMrz = (text: string): MrzData | null => {
    const parsed = parseMrz(text, { on: today.value });
    return parsed.ok ? parsed.value : null;
  };
  // A complete MRZ fills the document as soon as it reads right; for a delegate, also empty names.
  watch(
    () => mrz.value.applicant,
    (text) => {
      const read = readMrz(text);
      if (read && draft.value?.document) fillFromMrz(draft.value.document, read);
    },
  );
  watch(
    () => mrz.value.delegate,
    (text) => {
      const read = readMrz(text);
      const delegate = draft.value?.delegate;
      if (!read || !delegate?.document) return;
      fillFromMrz(delegate.document, read);
      if (!delegate.surname.trim()) delegate.surname = read.surname;
      if (!delegate.name.trim()) delegate.name = read.givenNames;
    },
  );

  // --- Assessment and steps -------------------------------------------------------------

  const assessment = computed(() => (request.value && draft.value ? assessDraft(request.value, draft.value, today.value) : null));
  const blockingOf = (step: WizardStep): IdentificationFinding[] => assessment.value?.blocking.filter((f) => f.step === step) ?? [];
  const findingsOf = (step: WizardStep): IdentificationFinding[] => [
    ...blockingOf(step),
    ...(assessment.value?.warnings.filter((f) => f.step === step) ?? []),
  ];

  /**
   * The last step ("request" in the domain's terms: its findings are the request's own) is
   * the papers and the confirmation together: tick, password, Enter.
   */
  const steps = computed<WizardStep[]>(() =>
    draft.value?.presenter === 'delegate'
      ? ['presenter', 'document', 'fiscal-code-card', 'delegate', 'request']
      : ['presenter', 'document', 'fiscal-code-card', 'request'],
  );
  const currentStep = computed(() => steps.value[stepIndex.value]!);

  function goTo(index: number) {
    stepIndex.value = Math.max(0, Math.min(index, steps.value.length - 1));
    showErrors.value = false;
    unacknowledged.value = [];
  }
  /** Forward, past the card step when the desk's reader did it (and nothing there blocks). */
  function advance() {
    const next = stepIndex.value + 1;
    const cardDone = cardReadAtDesk.value && blockingOf('fiscal-code-card').length === 0;
    goTo(steps.value[next] === 'fiscal-code-card' && cardDone ? next + 1 : next);
  }
  const goBack = () => goTo(stepIndex.value - 1);
  /**
   * The confirmation's "go to" links: a finding of the request itself is shown from the
   * start; the papers are on the last step.
   */
  const goToStep = (step: WizardStep) =>
    goTo(step === 'papers' ? steps.value.length - 1 : steps.value.indexOf(step === 'request' ? 'presenter' : step));
  /** All that blocks the confirmation is on the last step's papers (ticked there, then the password). */
  const onlyPapersMissing = computed(() => !!assessment.value && assessment.value.blocking.every((f) => f.step === 'papers'));

  // --- Outcome ----------------------------------------------------------------------------

  // The outcome carries the draft: no save may follow it (a draft left in the main process
  // means "an identification in progress"). One that failed leaves the draft saved as it is.
  async function confirm(): Promise<void> {
    if (!draft.value || submitting.value) return;
    // Every warning ticked first: the person checks them before the password goes anywhere.
    unacknowledged.value = (assessment.value?.warnings ?? []).map((w) => w.code).filter((code) => !acknowledged.value.includes(code));
    if (unacknowledged.value.length > 0) return;
    cancelSave();
    submitError.value = null;
    submitting.value = true;
    const answer = await deskApi().call('identifications.confirm', {
      draft: snapshot(draft.value),
      acknowledgedWarnings: acknowledged.value,
      password: password.value,
    });
    submitting.value = false;
    password.value = '';
    if (answer.ok) {
      result.value = answer.value;
      lookup.clear(); // the desk's card of this applicant is out of date now
    } else {
      submitError.value = answer.error;
      saveNow();
    }
  }

  /** What the request itself forbids (enabled, annulled, expired, not required): said on every step, from the start. */
  const requestProblems = computed(() => assessment.value?.blocking.filter((finding) => finding.step === 'request') ?? []);

  /** The catalogue's reasons the checks saw evidence for, with that evidence: pre-selected, never an instruction. */
  const refusalEvidence = computed((): Map<RefusalReasonCode, IdentificationFinding[]> =>
    assessment.value ? suggestedRefusalReasons(assessment.value) : new Map(),
  );

  /**
   * Opens the refusal form. Closed before (Esc, "Annulla") with a note typed or reasons
   * chosen by hand, it opens as it was left: nothing typed is thrown away.
   */
  function startRefusal() {
    const before = refusal.value;
    const suggested = [...refusalEvidence.value.keys()];
    const sameReasons = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
    const changed = before.note.trim() !== '' || !sameReasons(before.reasons, before.suggested ?? suggested);
    refusal.value =
      before.suggested && changed
        ? { ...before, open: true, missing: null, error: null }
        : { ...closedRefusal(), open: true, reasons: suggested, suggested };
  }

  function closeRefusal() {
    refusal.value = { ...refusal.value, open: false, missing: null, error: null };
  }

  /** Records the refusal, or says what it still needs: a reason, or the note that describes "other". */
  async function refuse(): Promise<void> {
    const { reasons, note } = refusal.value;
    refusal.value.missing = reasons.length === 0 ? 'reason' : reasons.includes('other') && !note.trim() ? 'note' : null;
    refusal.value.error = null;
    if (refusal.value.missing || !draft.value) return;
    cancelSave();
    const answer = await deskApi().call('identifications.refuse', { draft: snapshot(draft.value), reasons, note: note.trim() });
    if (!answer.ok) {
      refusal.value.error = answer.error;
      saveNow();
      return;
    }
    refusal.value.open = false;
    result.value = answer.value;
    lookup.clear();
  }

  return {
    request,
    loadError,
    notFound,
    draft,
    today,
    stepIndex,
    showErrors,
    mrz,
    acknowledged,
    password,
    submitting,
    submitError,
    result,
    refusal,
    cardReadAtDesk,
    undoCardRead,
    onlyPapersMissing,
    delegateCode,
    delegationForm,
    assessment,
    requestProblems,
    steps,
    currentStep,
    refusalEvidence,
    load,
    leave,
    keep,
    suspend,
    resume,
    readMrz,
    blockingOf,
    findingsOf,
    advance,
    goBack,
    goToStep,
    confirm,
    startRefusal,
    closeRefusal,
    refuse,
    unacknowledged,
  };
});
