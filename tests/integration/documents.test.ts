import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream } from '@cantoo/pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { formatItalianDate } from '../../shared/domain/dates';
import { createRandom, syntheticPerson } from '../../shared/domain/synthetic-people';
import { DocumentRenderer, loadFonts, loadWording, type DelegateInfo, type RegisterRow } from '../../src-main/core/documents/documents';
import { createMemoryLogger } from '../../src-main/core/log';
import { projectResources } from '../fixtures/core';
import { readQrCode } from '../fixtures/pdf-codes';
import { moduloCode } from '../../shared/domain/modulo-code';

/**
 * The printed papers: every field findable by pdftotext, every page rendered by
 * pdftoppm, any Latin name printable, nothing overflowing its box, same bytes twice.
 */
const directory = mkdtempSync(join(tmpdir(), 'sportello-docs-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const logger = createMemoryLogger();
const renderer = new DocumentRenderer(loadFonts(projectResources), loadWording(projectResources), logger);
const now = new Date('2026-11-22T09:30:00Z');
const office = { code: 'ZZIS00100A', name: 'Istituto di prova "Sportello"', comune: 'Roma' };
const operator = { id: 'op-1', displayName: 'Assistente di prova' };

const central = await startTestCentral({ seed: 30, seedValue: 12 });
const request: EnablementRequest = (await central.store.getRequest('REQ-0000004'))!;
await central.close();

const delegate: DelegateInfo = {
  fiscalCode: 'RSSMRA80A01H501U',
  surname: 'Rossi',
  name: 'Mario',
  sex: 'M',
  birthDate: '1980-01-01',
  birthPlaceCode: 'H501',
  document: { kind: 'passport', number: 'YA1234567', issuer: 'Questura di Roma', issueDate: '2020-01-01', expiryDate: '2030-01-01' },
};

function pdfText(bytes: Uint8Array, name: string): string {
  const file = join(directory, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

function renderPages(bytes: Uint8Array, name: string): number {
  const file = join(directory, `${name}.pdf`);
  writeFileSync(file, bytes);
  execFileSync('pdftoppm', ['-r', '40', '-png', file, join(directory, name)]);
  let pages = 0;
  while (existsSync(join(directory, `${name}-${pages + 1}.png`)) || existsSync(join(directory, `${name}-0${pages + 1}.png`))) pages++;
  return pages;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A register row of the request's applicant, accepted and sent. */
const registerRow = (at: string, requestId: string): RegisterRow => ({
  at,
  requestId,
  fiscalCode: request.applicant.fiscalCode,
  surname: request.applicant.surname,
  name: request.applicant.name,
  status: 'accepted',
  presenter: 'applicant',
  operator: operator.displayName,
  syncState: 'acked',
});

describe('printed documents', () => {
  it('in training mode every page says PROVA — FAC-SIMILE; in production none does (#21)', async () => {
    const training = new DocumentRenderer(loadFonts(projectResources), loadWording(projectResources), logger, 'training');
    const trainingText = pdfText((await training.moduloAdesione(request, office, operator, now)).bytes, 'training-modulo');
    expect(trainingText).toContain('PROVA — FAC-SIMILE');
    const productionText = pdfText((await renderer.moduloAdesione(request, office, operator, now)).bytes, 'production-modulo');
    expect(productionText).not.toContain('FAC-SIMILE');
  });

  it('modulo di adesione: every field is in the PDF, on one A4 page, with metadata', async () => {
    const rendered = await renderer.moduloAdesione(request, office, operator, now);
    const text = pdfText(rendered.bytes, 'adesione');
    const a = request.applicant;
    for (const value of [
      "Ministero dell'Istruzione e del Merito",
      'Istanze OnLine',
      'Modulo di adesione',
      request.id,
      a.fiscalCode,
      a.surname,
      a.name,
      formatItalianDate(a.birthDate),
      a.email,
      a.domicile.address,
      request.declaredDocument.number,
      'Firma del richiedente',
      'Firma e timbro dell',
      office.code,
      operator.displayName,
      '22/11/2026',
    ]) {
      expect(text, value).toContain(value);
    }
    expect(renderPages(rendered.bytes, 'adesione')).toBe(1);
    const info = execFileSync('pdfinfo', [join(directory, 'adesione.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+Modulo di adesione/);
    expect(info).toMatch(/Author:\s+Sportello Identificazione/);
    expect(info).toMatch(/Page size:\s+595.28 x 841.89/);
    expect(renderer.lastStats.overflows).toBe(0);
  });

  it("the modulo's QR code, read from poppler's rendering, is the desk's modulo code: request id and fiscal code (#17, item 3)", async () => {
    const rendered = await renderer.moduloAdesione(request, office, operator, now);
    expect(readQrCode(rendered.bytes)).toBe(moduloCode(request.id, request.applicant.fiscalCode));
  });

  it("the modulo's QR code is drawn in its own units: one scale for the symbol, each run of modules whole numbers (#20, modulo)", async () => {
    // In page units every run was four long decimals (494.23999999999995): a third of the
    // page's drawing, each number formatted, written and compressed.
    const rendered = await renderer.moduloAdesione(request, office, operator, now);
    const page = (await PDFDocument.load(rendered.bytes)).getPage(0);
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => page.doc.context.lookup(ref)) : [contents];
    const drawing = streams.map((stream) => Buffer.from(decodePDFRawStream(stream as PDFRawStream).decode()).toString('latin1')).join('\n');
    const symbol = /\bcm\n0 0 0 rg\n((?:\d+ \d+ \d+ 1 re\n)+)f\n/.exec(drawing);
    expect(symbol, 'the QR block in module units').not.toBeNull();
    expect(symbol![1]!.trim().split('\n').length).toBeGreaterThan(100);
    // No rectangle on the page is drawn with decimals so long.
    expect(drawing).not.toMatch(/\d+\.\d{6,} [^\n]* re\n/);
    expect(readQrCode(rendered.bytes)).toBe(moduloCode(request.id, request.applicant.fiscalCode));
  });

  it('the modulo for an applicant who sends a delegate asks for their signature before it is brought, not "in the operator\'s presence" (#21)', async () => {
    const inPerson = pdfText((await renderer.moduloAdesione(request, office, operator, now)).bytes, 'adesione-presente');
    expect(inPerson).toContain("in presenza dell'operatore");
    const forDelegate = pdfText(
      (await renderer.moduloAdesione(request, office, operator, now, { presenter: 'delegate' })).bytes,
      'adesione-delegato',
    );
    expect(forDelegate).not.toContain('in presenza');
    expect(forDelegate).toContain('Firma del richiedente (apposta prima della consegna al delegato)');
  });

  it('modulo di delega, receipts and register carry their fields', async () => {
    const delega = await renderer.moduloDelega(request, delegate, now);
    expect(pdfText(delega.bytes, 'delega')).toEqual(expect.stringContaining('Modulo di delega'));
    const delegaText = pdfText(delega.bytes, 'delega');
    for (const value of [
      delegate.fiscalCode,
      delegate.surname,
      'YA1234567',
      request.applicant.fiscalCode,
      'Firma del delegante',
      'Firma del delegato',
    ]) {
      expect(delegaText, value).toContain(value);
    }
    const base = {
      identificationId: 'x',
      request,
      presenter: 'delegate' as const,
      delegateName: 'Mario Rossi',
      office,
      operator,
      at: now.toISOString(),
      status: 'queued' as const,
      notAcceptedReason: null,
      refusalReasons: ['Documento scaduto il 21/11/2026.'],
      refusalNote: 'Tornerà con la CIE.',
    };
    const receipt = pdfText((await renderer.receipt({ ...base, outcome: 'confirmed' }, now)).bytes, 'ricevuta');
    for (const value of [
      'Ricevuta di identificazione',
      'abilitazione confermata',
      request.id,
      'Mario Rossi',
      '22/11/2026 10:30',
      request.applicant.email,
      'codice personale temporaneo',
      'sarà inviata',
    ]) {
      expect(receipt, value).toContain(value);
    }
    const refusal = pdfText((await renderer.receipt({ ...base, outcome: 'refused' }, now)).bytes, 'rifiuto');
    for (const value of ['Ricevuta di mancata identificazione', 'Documento scaduto il 21/11/2026.', 'Tornerà con la CIE.']) {
      expect(refusal, value).toContain(value);
    }
    const rows: RegisterRow[] = Array.from({ length: 3 }, (_, i) => ({
      at: new Date(now.getTime() + i * 60_000).toISOString(),
      requestId: `REQ-${i}`,
      fiscalCode: request.applicant.fiscalCode,
      surname: request.applicant.surname,
      name: request.applicant.name,
      status: i === 1 ? 'refused' : i === 2 ? 'queued' : 'accepted',
      presenter: 'applicant',
      operator: operator.displayName,
      syncState: i === 2 ? 'pending' : 'acked',
    }));
    const register = pdfText((await renderer.dailyRegister('2026-11-22', office, rows, now)).bytes, 'registro');
    for (const value of [
      'Registro giornaliero',
      '22/11/2026',
      'REQ-0',
      'REQ-2',
      'Accettata',
      'Rifiutata',
      'In coda',
      'Totali: 3 identificazioni; 1 confermate e accettate, 1 confermate in coda, 0 non accettate, 1 rifiutate allo sportello',
    ]) {
      expect(register, value).toContain(value);
    }
  });

  it('a register of 500 rows paginates with its header on every page', async () => {
    const rows = Array.from({ length: 500 }, (_, i) =>
      registerRow(new Date(now.getTime() + i * 30_000).toISOString(), `REQ-${String(i).padStart(7, '0')}`),
    );
    const rendered = await renderer.dailyRegister('2026-11-22', office, rows, now);
    const pages = renderPages(rendered.bytes, 'registro500');
    expect(pages).toBeGreaterThan(10);
    const text = pdfText(rendered.bytes, 'registro500');
    expect(text.match(/Codice fiscale/g)?.length).toBe(pages);
    expect(text).toContain(`Pagina ${pages} di ${pages}`);
    expect(text).toContain('REQ-0000499');
    expect(renderer.lastStats.overflows).toBe(0);
  });

  it('each page names its one font once in its resources, not once per line drawn (#20, modulo)', async () => {
    // pdf-lib gave each drawText with a font option two new resource names (set, then restore):
    // 100-odd names per page, each found unused by a search through the ones before it.
    const training = new DocumentRenderer(loadFonts(projectResources), loadWording(projectResources), logger, 'training');
    const rows = Array.from({ length: 120 }, (_, i) => registerRow(new Date(now.getTime() + i * 30_000).toISOString(), `REQ-${i}`));
    for (const rendered of [
      await renderer.moduloAdesione(request, office, operator, now),
      await training.moduloAdesione(request, office, operator, now),
      await renderer.dailyRegister('2026-11-22', office, rows, now),
    ]) {
      const pdf = await PDFDocument.load(rendered.bytes);
      expect(pdf.getPageCount()).toBeGreaterThan(0);
      for (const page of pdf.getPages()) {
        const fonts = page.node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
        expect(fonts.keys()).toHaveLength(1);
      }
    }
  });

  it('prints any Latin-script name, replaces visibly what the font lacks, and logs it without the name', async () => {
    logger.lines.length = 0;
    const hard = {
      ...request,
      applicant: { ...request.applicant, surname: "Ștefănescu-Łukaszewicz Ő'Brien", name: 'Jürgen Núñez Groß Nguyễn' },
    };
    const rendered = await renderer.moduloAdesione(hard, office, operator, now);
    const text = pdfText(rendered.bytes, 'hard');
    expect(text).toContain("Ștefănescu-Łukaszewicz Ő'Brien");
    expect(text).toContain('Jürgen Núñez Groß Nguy?n');
    expect(renderer.lastStats.missingGlyphs).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ event: 'document.glyphs-replaced', document: 'modulo-adesione', count: 1 }),
    );
    expect(JSON.stringify(logger.lines)).not.toContain('Nguy');
  });

  it('200 random synthetic people with hard characters and very long values: no crash, no overflow, one page', async () => {
    const random = createRandom(2026);
    const long = (base: string, times: number) => Array.from({ length: times }, () => base).join(' ');
    for (let i = 0; i < 200; i++) {
      const person = syntheticPerson(random, { foreignShare: 0.6 });
      const stretch = 1 + Math.floor(random() * 8);
      const variant: EnablementRequest = {
        ...request,
        applicant: {
          ...request.applicant,
          fiscalCode: person.fiscalCode,
          surname: long(person.surname, stretch),
          name: long(person.name, stretch),
          email: `${'x'.repeat(20 * stretch)}@example.org`,
          domicile: {
            address: long('Via della Santissima Annunziata dei Fiorentini', stretch),
            comune: long('San Giovanni', stretch),
            province: 'RM',
          },
        },
        declaredDocument: { ...request.declaredDocument, issuer: long('Comune di Reggio nell’Emilia', stretch) },
      };
      const rendered = await renderer.moduloAdesione(variant, office, operator, now);
      expect(renderer.lastStats.overflows).toBe(0);
      expect(renderer.lastStats.pages).toBe(1);
      expect(rendered.bytes.length).toBeGreaterThan(1000);
    }
  });

  it('the daily register is PDF/A-2b: XMP with its identification, an sRGB output intent, every font embedded, a file ID (#18, item 9)', async () => {
    const rows = [registerRow(now.toISOString(), request.id)];
    const { bytes } = await renderer.dailyRegister('2026-11-22', office, rows, now);
    const file = join(directory, 'registro-pdfa.pdf');
    writeFileSync(file, bytes);
    // poppler reads the XMP as any reader does: PDF/A-2, conformance B, and the same title and dates as the Info dictionary.
    const xmp = execFileSync('pdfinfo', ['-meta', file], { encoding: 'utf8' });
    expect(xmp).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
    expect(xmp).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Registro giornaliero delle identificazioni</rdf:li>');
    expect(xmp).toContain('<xmp:CreateDate>2026-11-22T09:30:00Z</xmp:CreateDate>');
    const info = execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+Registro giornaliero delle identificazioni/);
    expect(info).toMatch(/CreationDate:\s+2026-11-22T09:30:00Z/);
    // Every font embedded (pdffonts: the "emb" column), none left to the reader's machine.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.split(/\s+/).at(-5), font).toBe('yes');
      // A subset, named as one (tag and "+").
      expect(font.split(/\s+/).at(-4), font).toBe('yes');
      expect(font).toMatch(/^[A-Z]{6}\+/);
    }
    // The Info dictionary and the XMP say the same: author, creator tool, producer, dates.
    expect(info).toMatch(/Author:\s+Sportello Identificazione\n/);
    expect(info).toMatch(/Creator:\s+Sportello Identificazione\n/);
    expect(info).toMatch(/Producer:\s+Sportello Identificazione \(@cantoo\/pdf-lib\)\n/);
    expect(info).toMatch(/ModDate:\s+2026-11-22T09:30:00Z/);
    expect(xmp).toContain('<rdf:li>Sportello Identificazione</rdf:li>');
    expect(xmp).toContain('<xmp:CreatorTool>Sportello Identificazione</xmp:CreatorTool>');
    expect(xmp).toContain('<pdf:Producer>Sportello Identificazione (@cantoo/pdf-lib)</pdf:Producer>');
    expect(xmp).toContain('<xmp:ModifyDate>2026-11-22T09:30:00Z</xmp:ModifyDate>');
    // The objects themselves (pdf-lib's parser): the output intent with its ICC profile, the file ID, an uncompressed XMP stream.
    const { PDFDocument, PDFName, PDFArray, PDFDict, PDFStream } = await import('@cantoo/pdf-lib');
    const parsed = await PDFDocument.load(bytes, { updateMetadata: false });
    const intents = parsed.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))?.toString()).toBe('/GTS_PDFA1');
    expect(intent.lookup(PDFName.of('OutputConditionIdentifier'))?.toString()).toContain('sRGB');
    const profile = intent.lookup(PDFName.of('DestOutputProfile'), PDFStream);
    expect(profile.dict.get(PDFName.of('N'))?.toString()).toBe('3');
    const metadata = parsed.catalog.lookup(PDFName.of('Metadata'), PDFStream);
    expect(metadata.dict.get(PDFName.of('Filter'))).toBeUndefined();
    expect(metadata.dict.get(PDFName.of('Subtype'))?.toString()).toBe('/XML');
    const id = parsed.context.trailerInfo.ID;
    expect(id).toBeInstanceOf(PDFArray);
    expect(id instanceof PDFArray && id.size()).toBe(2);
    expect(readFileSync(file).subarray(0, 15).toString('latin1')).toMatch(/^%PDF-1\.7\n%[\x80-\xff]{4}/);
    expect(Buffer.from(bytes).includes('/Encrypt')).toBe(false);
    expect(Buffer.from(bytes).includes('/JavaScript')).toBe(false);
    // Another office's register of the same second has another file ID.
    const other = await renderer.dailyRegister('2026-11-22', { ...office, code: 'ZZIS00200B' }, rows, now);
    const otherId = (await PDFDocument.load(other.bytes, { updateMetadata: false })).context.trailerInfo.ID;
    expect(String(otherId)).not.toBe(String(id));
    // In training mode (the mark is drawn with transparency, allowed in PDF/A-2) it is PDF/A too.
    const training = new DocumentRenderer(loadFonts(projectResources), loadWording(projectResources), logger, 'training');
    const practice = join(directory, 'registro-prova.pdf');
    writeFileSync(practice, (await training.dailyRegister('2026-11-22', office, rows, now)).bytes);
    expect(execFileSync('pdfinfo', ['-meta', practice], { encoding: 'utf8' })).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
  });

  it('the informativa on personal data (art. 13 GDPR) names the school as controller and the desk’s retention, on one page (#17)', async () => {
    const rendered = await renderer.informativaPrivacy(office, { number: () => 120, text: () => '' }, now);
    expect(rendered.fileName).toBe('informativa-privacy.pdf');
    expect(renderPages(rendered.bytes, 'informativa')).toBe(1);
    const text = pdfText(rendered.bytes, 'informativa');
    for (const expected of [
      'Informativa sul trattamento dei dati personali',
      'art. 13 del Regolamento (UE) 2016/679',
      `Il titolare del trattamento dei dati raccolti allo sportello è ${office.name}, ${office.comune} (codice meccanografico ${office.code})`,
      'i dati sono cancellati 120 giorni dopo che la richiesta si è chiusa',
      // What goes to the Ministry, as the submission carries it (shared/contract/central-api.ts).
      'il codice fiscale letto dalla tessera; i dati del delegato',
      "Ministero dell'Istruzione e del Merito",
      'Garante per la protezione dei dati personali',
    ])
      expect(text, expected).toContain(expected);
  });

  it('is deterministic for the same inputs and clock', async () => {
    const first = await renderer.moduloAdesione(request, office, operator, now);
    const second = await renderer.moduloAdesione(request, office, operator, now);
    expect(sha(second.bytes)).toBe(sha(first.bytes));
    const later = await renderer.moduloAdesione(request, office, operator, new Date('2026-11-23T09:30:00Z'));
    expect(sha(later.bytes)).not.toBe(sha(first.bytes));
    const delegaA = await renderer.moduloDelega(request, delegate, now);
    const delegaB = await renderer.moduloDelega(request, delegate, now);
    expect(sha(delegaA.bytes)).toBe(sha(delegaB.bytes));
  });

  it('keeps the wording in resources/, not in code', () => {
    const wording = JSON.parse(readFileSync(join(projectResources, 'documents/wording.it.json'), 'utf8')) as {
      moduloAdesione: { title: string };
    };
    expect(wording.moduloAdesione.title).toBe('Modulo di adesione');
    const source = readFileSync(join(import.meta.dirname, '../../src-main/core/documents/documents.ts'), 'utf8');
    expect(source).not.toContain('Modulo di adesione');
    expect(source).not.toContain('Firma del richiedente');
  });
});
