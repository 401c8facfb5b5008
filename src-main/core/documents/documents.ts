import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeclaredDocument, EnablementRequest, Office, TrainingExercise } from '../../../shared/contract/central-api';
import type { OutcomeStatus } from '../../../shared/contract/identification';
import { describeBirthPlace, findBirthPlace } from '../../../shared/domain/belfiore';
import { formatItalianDate, formatItalianDateTime } from '../../../shared/domain/dates';
import type { PersonData } from '../../../shared/domain/identification';
import { identityDocumentLabels } from '../../../shared/domain/identity-document';
import { moduloCode } from '../../../shared/domain/modulo-code';
import type { Logger } from '../log';
import { Composer, WidthCache, type FontBytes } from './composer';
import { fill, type Wording } from './wording';
import { layoutInformativa, type InformativaSettings } from './informativa';
import { layoutTrainingKit } from './training-kit';
import type { AppMode } from '../../../shared/contract';

export { fill, loadWording, type Wording } from './wording';

/**
 * The papers of the desk: modulo di adesione, modulo di delega, identification and
 * refusal receipts, daily register. Wording comes from resources/documents/wording.it.json;
 * this file only lays it out. Same inputs and clock → same bytes.
 */

export function loadFonts(resourcesDirectory: string): FontBytes {
  const font = (name: string) => new Uint8Array(readFileSync(join(resourcesDirectory, 'fonts', name)));
  return {
    regular: font('TitilliumWeb-Regular.ttf'),
    srgbProfile: new Uint8Array(readFileSync(join(resourcesDirectory, 'color', 'sRGB.icc'))),
  };
}

const timeFormat = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });
export function italianTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

export interface OperatorInfo {
  id: string;
  displayName: string;
}

export interface DelegateInfo extends PersonData {
  document: DeclaredDocument;
}

export interface ReceiptData {
  identificationId: string;
  request: EnablementRequest;
  outcome: 'confirmed' | 'refused';
  presenter: 'applicant' | 'delegate';
  delegateName: string | null;
  office: Office;
  operator: OperatorInfo;
  /** When the outcome was recorded (ISO). */
  at: string;
  /** Where the outcome stands with the central service. */
  status: OutcomeStatus;
  /** Why the central service did not accept it (`not-accepted`). */
  notAcceptedReason: string | null;
  /** Refusals: human-readable reasons and the operator's note. */
  refusalReasons: string[];
  refusalNote: string;
}

export interface RegisterRow {
  at: string;
  requestId: string;
  fiscalCode: string;
  surname: string;
  name: string;
  status: OutcomeStatus;
  presenter: 'applicant' | 'delegate';
  operator: string;
  syncState: string;
}

export interface RenderedDocument {
  bytes: Uint8Array;
  fileName: string;
  title: string;
}

/** Layout facts for tests and logs: replaced characters, ellipses, overflows (must be 0). */
export interface LayoutStats {
  missingGlyphs: number;
  truncations: number;
  overflows: number;
  pages: number;
}

export type DocumentKind =
  | 'modulo-adesione'
  | 'modulo-delega'
  | 'identification-receipt'
  | 'refusal-receipt'
  | 'not-accepted-notice'
  | 'daily-register'
  | 'informativa-privacy'
  | 'training-kit';

/** What makes a register this one: the office, the day and each row (its file ID, PDF/A). */
const registerIdentity = (office: Office, day: string, rows: RegisterRow[]) =>
  [office.code, day, ...rows.map((row) => `${row.at} ${row.requestId} ${row.status} ${row.syncState}`)].join('\n');

export class DocumentRenderer {
  constructor(
    private readonly fonts: FontBytes,
    readonly wording: Wording,
    private readonly logger: Logger,
    /** Training: every page carries the wording's training watermark. */
    private readonly mode: AppMode = 'production',
  ) {}

  private readonly widths = new WidthCache();

  /** Layout facts of the last document rendered. */
  lastStats: LayoutStats = { missingGlyphs: 0, truncations: 0, overflows: 0, pages: 0 };

  private async compose(
    kind: DocumentKind,
    title: string,
    createdAt: Date,
    build: (composer: Composer) => Promise<void> | void,
    /** The register (PDF/A): what makes it this one (office, day, rows), for its file ID. */
    identity = '',
  ): Promise<Uint8Array> {
    const w = this.wording.common;
    // Training: the mark across every page, and in the footer too (in the text layer, for search and tests).
    const watermark = kind === 'training-kit' ? this.wording.trainingKit.marking : this.mode === 'training' ? w.trainingWatermark : null;
    const composer = await Composer.create(
      this.fonts,
      // The register is filed in the school's protocol: PDF/A-2b.
      {
        title,
        author: 'Sportello Identificazione',
        createdAt,
        pdfA: kind === 'daily-register' ? { srgbProfile: this.fonts.srgbProfile, identity } : undefined,
      },
      (page, pages) => `${watermark ? `${watermark} · ` : ''}${w.generatedBy} · ${title} · ${fill(w.page!, { page, pages })}`,
      this.widths,
    );
    await build(composer);
    if (composer.missingGlyphs > 0) this.logger.warn('document.glyphs-replaced', { document: kind, count: composer.missingGlyphs });
    if (composer.truncations > 0) this.logger.warn('document.text-truncated', { document: kind, count: composer.truncations });
    if (composer.overflows > 0) this.logger.error('document.overflow', { document: kind, count: composer.overflows });
    // The kit says it in its footer and banners, never across a barcode a reader must read.
    const bytes = await composer.finish(kind === 'training-kit' ? null : watermark);
    this.lastStats = {
      missingGlyphs: composer.missingGlyphs,
      truncations: composer.truncations,
      overflows: composer.overflows,
      pages: composer.doc.getPageCount(),
    };
    return bytes;
  }

  private personFields(person: PersonData) {
    const f = this.wording.fields;
    const place = findBirthPlace(person.birthPlaceCode);
    return [
      { label: f.fiscalCode!, value: person.fiscalCode },
      { label: f.sex!, value: person.sex === 'M' ? this.wording.common.sexM! : this.wording.common.sexF! },
      { label: f.surname!, value: person.surname },
      { label: f.name!, value: person.name },
      { label: f.birthDate!, value: formatItalianDate(person.birthDate) },
      { label: f.birthPlace!, value: place ? describeBirthPlace(place, person.birthDate) : person.birthPlaceCode },
    ];
  }

  private documentFields(document: DeclaredDocument) {
    const f = this.wording.fields;
    return [
      { label: f.documentKind!, value: identityDocumentLabels[document.kind] },
      { label: f.documentNumber!, value: document.number },
      { label: f.documentIssuer!, value: document.issuer },
      { label: f.issueDate!, value: formatItalianDate(document.issueDate) },
      { label: f.expiryDate!, value: document.expiryDate ? formatItalianDate(document.expiryDate) : this.wording.common.notDeclared! },
    ];
  }

  private officeFields(office: Office, operator: OperatorInfo, at: string) {
    const f = this.wording.fields;
    return [
      { label: f.school!, value: `${office.name} (${office.comune})`, span: 2 as const },
      { label: f.officeCode!, value: office.code },
      { label: f.operator!, value: operator.displayName, span: 2 as const },
      { label: f.date!, value: formatItalianDateTime(at).slice(0, 10) },
    ];
  }

  async moduloAdesione(
    request: EnablementRequest,
    office: Office,
    operator: OperatorInfo,
    now: Date,
    options: { presenter?: 'applicant' | 'delegate' } = {},
  ): Promise<RenderedDocument> {
    const w = this.wording;
    const m = w.moduloAdesione;
    const a = request.applicant;
    const bytes = await this.compose('modulo-adesione', m.title, now, async (c) => {
      await c.masthead([w.common.ministry!, w.common.service!, fill(w.common.requestNumber!, { id: request.id })], m.title, {
        text: moduloCode(request.id, a.fiscalCode),
        caption: m.qrCaption,
      });
      c.sectionTitle(m.applicantSection);
      c.fields([
        ...this.personFields(a),
        { label: w.fields.email!, value: a.email },
        { label: w.fields.mobile!, value: a.mobile ?? '—' },
        { label: w.fields.domicile!, value: `${a.domicile.address}, ${a.domicile.comune} (${a.domicile.province})`, span: 2 },
      ]);
      c.sectionTitle(m.documentSection);
      c.fields(this.documentFields(request.declaredDocument), { columns: 3 });
      c.sectionTitle(m.declarationsSection);
      for (const declaration of m.declarations) c.paragraph(declaration, { size: 9, bullet: true });
      c.sectionTitle(m.officeSection);
      c.fields(this.officeFields(office, operator, now.toISOString()), { columns: 3 });
      c.signatures([options.presenter === 'delegate' ? m.applicantSignatureByDelegate : m.applicantSignature, m.operatorSignature]);
    });
    return { bytes, title: m.title, fileName: `modulo-adesione-${request.id}.pdf` };
  }

  async moduloDelega(request: EnablementRequest, delegate: DelegateInfo, now: Date): Promise<RenderedDocument> {
    const w = this.wording;
    const m = w.moduloDelega;
    const bytes = await this.compose('modulo-delega', m.title, now, async (c) => {
      await c.masthead([w.common.ministry!, w.common.service!, fill(w.common.requestNumber!, { id: request.id })], m.title);
      c.sectionTitle(m.delegatorSection);
      c.fields(this.personFields(request.applicant), { columns: 3 });
      c.sectionTitle(m.delegatorDocument);
      c.fields(this.documentFields(request.declaredDocument), { columns: 3 });
      c.sectionTitle(m.delegateSection);
      c.fields(this.personFields(delegate), { columns: 3 });
      c.sectionTitle(m.delegateDocument);
      c.fields(this.documentFields(delegate.document), { columns: 3 });
      c.paragraph(m.statement, { size: 9.5 });
      c.signatures([m.placeAndDate, m.delegatorSignature, m.delegateSignature]);
    });
    return { bytes, title: m.title, fileName: `modulo-delega-${request.id}.pdf` };
  }

  async receipt(data: ReceiptData, now: Date): Promise<RenderedDocument> {
    // A confirmation the central service did not accept is never printed as one.
    if (data.outcome === 'confirmed' && data.status === 'not-accepted') return this.notAcceptedNotice(data, now);
    const w = this.wording;
    const confirmed = data.outcome === 'confirmed';
    const title = confirmed ? w.identificationReceipt.title : w.refusalReceipt.title;
    const kind: DocumentKind = confirmed ? 'identification-receipt' : 'refusal-receipt';
    const a = data.request.applicant;
    const bytes = await this.compose(kind, title, now, async (c) => {
      await c.masthead([w.common.ministry!, w.common.service!, fill(w.common.requestNumber!, { id: data.request.id })], title);
      c.banner(confirmed ? w.identificationReceipt.outcomeConfirmed : w.refusalReceipt.outcomeRefused, confirmed ? 'ok' : 'ko');
      if (confirmed && data.status === 'queued') c.paragraph(w.identificationReceipt.queuedNotice, { size: 9.5, color: 'muted' });
      c.fields([
        { label: w.fields.surname!, value: a.surname },
        { label: w.fields.name!, value: a.name },
        { label: w.fields.fiscalCode!, value: a.fiscalCode },
        { label: w.fields.request!, value: data.request.id },
        {
          label: w.fields.presentedBy!,
          value:
            data.presenter === 'applicant'
              ? w.identificationReceipt.presentedByApplicant
              : fill(w.identificationReceipt.presentedByDelegate, { name: data.delegateName ?? '' }),
          span: 2,
        },
        { label: w.fields.school!, value: `${data.office.name} (${data.office.comune})`, span: 2 },
        { label: w.fields.officeCode!, value: data.office.code },
        { label: w.fields.operator!, value: data.operator.displayName },
        { label: w.fields.dateTime!, value: formatItalianDateTime(data.at) },
      ]);
      if (confirmed) {
        c.sectionTitle(w.identificationReceipt.nextStepsTitle);
        for (const step of w.identificationReceipt.nextSteps) c.paragraph(fill(step, { email: a.email }), { size: 10, bullet: true });
      } else {
        c.sectionTitle(w.refusalReceipt.reasonsTitle);
        for (const reason of data.refusalReasons) c.paragraph(reason, { size: 10, bullet: true });
        if (data.refusalNote.trim()) {
          c.sectionTitle(w.refusalReceipt.noteTitle);
          c.paragraph(data.refusalNote, { size: 10 });
        }
        c.sectionTitle(w.refusalReceipt.nextStepsTitle);
        for (const step of w.refusalReceipt.nextSteps) c.paragraph(step, { size: 10, bullet: true });
      }
    });
    return { bytes, title, fileName: `${confirmed ? 'ricevuta-identificazione' : 'ricevuta-rifiuto'}-${data.request.id}.pdf` };
  }

  /** What the applicant takes home when the service refused the confirmation: not enabled, why, what to do. */
  private async notAcceptedNotice(data: ReceiptData, now: Date): Promise<RenderedDocument> {
    const w = this.wording;
    const n = w.notAcceptedNotice;
    const a = data.request.applicant;
    const bytes = await this.compose('not-accepted-notice', n.title, now, async (c) => {
      await c.masthead([w.common.ministry!, w.common.service!, fill(w.common.requestNumber!, { id: data.request.id })], n.title);
      c.banner(n.outcome, 'ko');
      c.paragraph(n.intro, { size: 10.5 });
      c.fields([
        { label: w.fields.surname!, value: a.surname },
        { label: w.fields.name!, value: a.name },
        { label: w.fields.fiscalCode!, value: a.fiscalCode },
        { label: w.fields.request!, value: data.request.id },
        { label: w.fields.school!, value: `${data.office.name} (${data.office.comune})`, span: 2 },
        { label: w.fields.officeCode!, value: data.office.code },
        { label: w.fields.operator!, value: data.operator.displayName },
        { label: w.fields.dateTime!, value: formatItalianDateTime(data.at) },
      ]);
      c.sectionTitle(n.reasonTitle);
      c.paragraph(data.notAcceptedReason ?? '', { size: 10.5 });
      c.sectionTitle(n.nextStepsTitle);
      for (const step of n.nextSteps) c.paragraph(step, { size: 10, bullet: true });
    });
    return { bytes, title: n.title, fileName: `avviso-non-accettata-${data.request.id}.pdf` };
  }

  /** The informativa (art. 13 GDPR) for the applicant: the school as controller, the desk's retention. */
  async informativaPrivacy(office: Office, settings: InformativaSettings, now: Date): Promise<RenderedDocument> {
    const words = this.wording.informativaPrivacy;
    const bytes = await this.compose('informativa-privacy', words.title, now, (c) => layoutInformativa(c, words, office, settings));
    return { bytes, title: words.title, fileName: 'informativa-privacy.pdf' };
  }

  /** Training: a practice case's specimens, every page marked as synthetic (across it, and in the footer). */
  async trainingKit(exercise: TrainingExercise, now: Date): Promise<RenderedDocument> {
    const words = this.wording.trainingKit;
    const bytes = await this.compose('training-kit', words.title, now, (c) => layoutTrainingKit(c, this.wording, exercise));
    return { bytes, title: words.title, fileName: `esercitazione-${exercise.requestId}.pdf` };
  }

  /** The register of a day, or of a range of days (each row then with its date). */
  async dailyRegister(
    days: string | { from: string; to: string },
    office: Office,
    rows: RegisterRow[],
    now: Date,
  ): Promise<RenderedDocument> {
    const period = typeof days === 'string' ? { from: days, to: days } : days;
    const w = this.wording;
    const r = w.dailyRegister;
    const oneDay = period.from === period.to;
    const title = oneDay ? r.title : r.titleRange;
    const subtitle = oneDay
      ? fill(r.subtitle, { date: formatItalianDate(period.from) })
      : fill(r.subtitleRange, { from: formatItalianDate(period.from), to: formatItalianDate(period.to) });
    const bytes = await this.compose(
      'daily-register',
      title,
      now,
      async (c) => {
        await c.masthead([`${office.name} (${office.comune}) · ${office.code}`, subtitle], title);
        if (rows.length === 0) {
          c.paragraph(oneDay ? r.empty : r.emptyRange, { size: 11 });
          return;
        }
        const col = r.columns;
        c.table(
          [
            { header: col.number!, width: 4, align: 'right' },
            oneDay ? { header: col.time!, width: 5 } : { header: col.dateTime!, width: 10 },
            { header: col.request!, width: 11 },
            { header: col.fiscalCode!, width: 16 },
            { header: col.person!, width: oneDay ? 21 : 16 },
            { header: col.outcome!, width: 10 },
            { header: col.presenter!, width: 10 },
            { header: col.operator!, width: 13 },
            { header: col.sync!, width: 9 },
          ],
          rows.map((row, index) => [
            String(index + 1),
            oneDay ? italianTime(row.at) : formatItalianDateTime(row.at),
            row.requestId,
            row.fiscalCode,
            `${row.surname} ${row.name}`,
            r.outcomes[row.status],
            row.presenter === 'applicant' ? r.presenterApplicant : r.presenterDelegate,
            row.operator,
            r.syncStates[row.syncState] ?? row.syncState,
          ]),
        );
        const count = (status: OutcomeStatus) => rows.filter((row) => row.status === status).length;
        const totals = {
          accepted: count('accepted'),
          queued: count('queued'),
          notAccepted: count('not-accepted'),
          refused: count('refused'),
        };
        c.paragraph(fill(r.totals, { total: rows.length, ...totals }), { size: 10.5, weight: 'bold' });
      },
      registerIdentity(office, oneDay ? period.from : `${period.from}/${period.to}`, rows),
    );
    return { bytes, title, fileName: `registro-${oneDay ? period.from : `${period.from}_${period.to}`}.pdf` };
  }
}
