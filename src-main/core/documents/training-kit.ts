import { rgb, StandardFonts, type PDFPage } from '@cantoo/pdf-lib';
import { CODE39 } from 'jsbarcode/bin/barcodes/CODE39/index.js';
import type { TrainingExercise, TrainingSpecimens } from '../../../shared/contract/central-api';
import { describeBirthPlace, findBirthPlace } from '../../../shared/domain/belfiore';
import { formatItalianDate } from '../../../shared/domain/dates';
import { identityDocumentLabels } from '../../../shared/domain/identity-document';
import type { Composer } from './composer';
import { fill, type Wording } from './wording';

/**
 * A practice case's kit (#17, item 2): for the applicant (and the delegate, if any) the
 * identity document's data with its MRZ lines, and the tessera sanitaria with the Code 39
 * barcode of the fiscal code, as a USB reader at the desk reads it. Every page says
 * FAC-SIMILE — DATI FITTIZI: no such document exists.
 */

/** A module of the barcode: 0.25 mm (the code about 72 mm wide, a real card's size), what desk readers read off office printers. */
const module = 0.72;
const barHeight = 44;
const quietZone = 12 * module;

/** The Code 39 of `text` (start and stop asterisks included by the encoder), drawn as bars with the text under them. */
function drawCode39(page: PDFPage, x: number, top: number, text: string): void {
  const encoder = new CODE39(text, { mod43: false });
  if (!encoder.valid()) throw new Error('code 39: characters outside its set');
  const bars = encoder.encode().data;
  page.drawRectangle({
    x,
    y: top - barHeight - 24,
    width: bars.length * module + 2 * quietZone,
    height: barHeight + 24,
    color: rgb(1, 1, 1),
  });
  for (let start = 0; start < bars.length;) {
    let end = start;
    while (end < bars.length && bars[end] === bars[start]) end++;
    if (bars[start] === '1')
      page.drawRectangle({
        x: x + quietZone + start * module,
        y: top - barHeight,
        width: (end - start) * module,
        height: barHeight,
        color: rgb(0, 0, 0),
      });
    start = end;
  }
  const mono = page.doc.embedStandardFont(StandardFonts.Courier);
  page.drawText(`*${text}*`, { x: x + quietZone, y: top - barHeight - 14, size: 10, font: mono, color: rgb(0, 0, 0) });
}

function drawMrz(page: PDFPage, x: number, top: number, lines: string[]): void {
  const mono = page.doc.embedStandardFont(StandardFonts.Courier);
  lines.forEach((line, index) => page.drawText(line, { x: x + 8, y: top - 16 - index * 16, size: 12, font: mono, color: rgb(0, 0, 0) }));
}

function part(c: Composer, wording: Wording, title: string, specimens: TrainingSpecimens): void {
  const words = wording.trainingKit;
  const f = wording.fields;
  const place = (code: string, on: string) => {
    const found = findBirthPlace(code);
    return found ? describeBirthPlace(found, on) : code;
  };
  const document = specimens.document;
  c.sectionTitle(`${title} · ${words.documentTitle}`);
  c.fields(
    [
      { label: f.documentKind!, value: identityDocumentLabels[document.kind] },
      { label: f.documentNumber!, value: document.number },
      { label: f.documentIssuer!, value: document.issuer },
      // As on the back of a CIE.
      { label: f.fiscalCode!, value: specimens.fiscalCode, span: 3 },
      { label: f.surname!, value: specimens.surname },
      { label: f.name!, value: specimens.name },
      { label: f.sex!, value: specimens.sex },
      { label: f.birthDate!, value: formatItalianDate(specimens.birthDate) },
      { label: f.issueDate!, value: formatItalianDate(document.issueDate) },
      { label: f.expiryDate!, value: document.expiryDate ? formatItalianDate(document.expiryDate) : '—' },
    ],
    { columns: 3 },
  );
  if (specimens.mrz) {
    c.paragraph(words.mrzTitle, { size: 9, color: 'muted' });
    c.block(specimens.mrz.length * 16 + 12, (page, x, top) => drawMrz(page, x, top, specimens.mrz!));
  }
  const card = specimens.healthCard;
  c.sectionTitle(`${title} · ${words.healthCardTitle}`);
  c.fields(
    [
      { label: f.fiscalCode!, value: card.holder.fiscalCode },
      { label: f.surname!, value: card.holder.surname },
      { label: f.name!, value: card.holder.name },
      { label: f.birthDate!, value: formatItalianDate(card.holder.birthDate) },
      { label: f.birthPlace!, value: place(card.holder.birthPlaceCode, card.holder.birthDate) },
      { label: f.sex!, value: card.holder.sex },
      { label: words.cardNumber, value: card.number },
      { label: f.expiryDate!, value: formatItalianDate(card.expiryDate) },
    ],
    { columns: 3 },
  );
  c.paragraph(words.barcodeCaption, { size: 9, color: 'muted' });
  c.block(barHeight + 34, (page, x, top) => drawCode39(page, x, top - 4, card.holder.fiscalCode));
}

export async function layoutTrainingKit(c: Composer, wording: Wording, exercise: TrainingExercise): Promise<void> {
  const words = wording.trainingKit;
  await c.masthead([words.marking, fill(words.request, { id: exercise.requestId })], words.title);
  c.banner(words.marking, 'ko');
  c.paragraph(words.intro, { size: 9.5 });
  part(c, wording, words.applicantPart, exercise.applicant);
  if (exercise.delegate) {
    c.pageBreak();
    c.banner(words.marking, 'ko');
    c.paragraph(fill(words.request, { id: exercise.requestId }), { size: 9.5, color: 'muted' });
    part(c, wording, words.delegatePart, exercise.delegate);
  }
}
