import fontkit from '@cantoo/fontkit';
import { PDFDocument } from '@cantoo/pdf-lib';
import { startCentral } from '../central/server';
import { DocumentRenderer, loadFonts, loadWording, type RegisterRow } from '../src-main/core/documents/documents';
import { createMemoryLogger } from '../src-main/core/log';
import { projectResources } from '../tests/fixtures/core';
import { compareMicros, median, pairedMeasurement, repeatPaired, type BenchCase } from './harness';

/**
 * Modulo di adesione generation vs a minimal one-page pdf-lib document with the same
 * embedded font; the daily register of 500 rows vs the same lines as plain text with the
 * same font; both in the same rounds (target: ratio ≤ 2).
 */
export const documentGeneration: BenchCase = {
  name: 'documents',
  async run() {
    const central = await startCentral({ seed: 10, seedValue: 3 });
    const request = (await central.store.getRequest('REQ-0000003'))!;
    await central.close();
    const fonts = loadFonts(projectResources);
    const renderer = new DocumentRenderer(fonts, loadWording(projectResources), createMemoryLogger());
    const now = new Date('2026-11-22T09:30:00Z');
    const office = { code: 'ZZIS00100A', name: 'Istituto di prova "Sportello"', comune: 'Roma' };
    const operator = { id: 'op', displayName: 'Assistente di prova' };

    const minimal = async () => {
      const doc = await PDFDocument.create();
      doc.registerFontkit(fontkit);
      const font = await doc.embedFont(fonts.regular, { subset: true });
      // The page's font set once, as the composer does (a font option on each drawText gives it a new resource name).
      const page = doc.addPage();
      page.setFont(font);
      page.drawText('Modulo di adesione', { x: 50, y: 780, size: 20 });
      return doc.save();
    };
    // Five rounds, each with its own medians of 20 (interleaved with the baseline).
    const moduloRounds = await repeatPaired(5, async () => {
      const samples = await compareMicros(() => renderer.moduloAdesione(request, office, operator, now), minimal, 1, 20);
      return { value: median(samples.subject) / 1000, baseline: median(samples.baseline) / 1000 };
    });

    const rows: RegisterRow[] = Array.from({ length: 500 }, (_, i) => ({
      at: new Date(now.getTime() + i * 30_000).toISOString(),
      requestId: `REQ-${String(i).padStart(7, '0')}`,
      fiscalCode: request.applicant.fiscalCode,
      surname: request.applicant.surname,
      name: request.applicant.name,
      status: i % 9 ? 'accepted' : 'refused',
      presenter: i % 11 ? 'applicant' : 'delegate',
      operator: operator.displayName,
      syncState: 'acked',
    }));
    // The register's baseline: the same 500 lines of text drawn with the same font on as many pages, nothing else.
    const lines = rows.map(
      (row) => `${row.at} ${row.requestId} ${row.fiscalCode} ${row.surname} ${row.name} ${row.status} ${row.operator}`,
    );
    const plainText = async () => {
      const doc = await PDFDocument.create();
      doc.registerFontkit(fontkit);
      const font = await doc.embedFont(fonts.regular, { subset: true });
      for (let i = 0; i < lines.length; i += 40) {
        const page = doc.addPage();
        page.setFont(font);
        lines.slice(i, i + 40).forEach((line, n) => page.drawText(line, { x: 30, y: 800 - n * 19, size: 8 }));
      }
      return doc.save();
    };
    const registerRounds = await repeatPaired(5, async () => {
      const samples = await compareMicros(() => renderer.dailyRegister('2026-11-22', office, rows, now), plainText, 1, 3);
      return { value: median(samples.subject) / 1000, baseline: median(samples.baseline) / 1000 };
    });
    return [
      pairedMeasurement(
        {
          case: 'Modulo di adesione generation',
          metric: 'median',
          unit: 'ms',
          baselineLabel: 'minimal one-page pdf-lib document, same font',
        },
        moduloRounds,
        { max: 2 },
      ),
      pairedMeasurement(
        { case: 'Daily register, 500 rows', metric: 'median', unit: 'ms', baselineLabel: 'the same 500 lines as plain text, same font' },
        registerRounds,
        { max: 2 },
      ),
    ];
  },
};
