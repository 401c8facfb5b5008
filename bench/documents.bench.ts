import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { startCentral } from '../central/server';
import { DocumentRenderer, loadFonts, loadWording, type RegisterRow } from '../src-main/core/documents/documents';
import { createMemoryLogger } from '../src-main/core/log';
import { projectResources } from '../tests/fixtures/core';
import { compareMicros, median, sampleMicros, type BenchCase } from './harness';

/**
 * Modulo di adesione generation vs a minimal one-page pdf-lib document with the same
 * embedded font, in the same run (target: ratio ≤ 2 and ≤ 15 ms); daily register of 500 rows.
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
      doc.addPage().drawText('Modulo di adesione', { x: 50, y: 780, size: 20, font });
      return doc.save();
    };
    const samples = await compareMicros(() => renderer.moduloAdesione(request, office, operator, now), minimal, 5, 20);
    const modulo = median(samples.subject) / 1000;
    const baseline = median(samples.baseline) / 1000;

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
    const register = median(await sampleMicros(() => renderer.dailyRegister('2026-11-22', office, rows, now), 5, 1)) / 1000;
    return [
      {
        case: 'Modulo di adesione generation',
        metric: 'median',
        unit: 'ms',
        value: modulo,
        baseline: { label: 'minimal one-page pdf-lib document, same font', value: baseline },
        ratio: modulo / baseline,
        target: 'ratio ≤ 2 and ≤ 15 ms',
        meetsTarget: modulo / baseline <= 2 && modulo <= 15,
      },
      { case: 'Daily register, 500 rows', metric: 'median', unit: 'ms', value: register },
    ];
  },
};
