/**
 * `npm run docs:documents`: renders one of each document for synthetic people into
 * docs/documents/ (PDF → PNG with pdftoppm), to look at and to show in reviews.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingExercises } from '../central/exercises';
import { startCentral } from '../central/server';
import { DocumentRenderer, loadFonts, loadWording, type RegisterRow } from '../src-main/core/documents/documents';
import { createMemoryLogger } from '../src-main/core/log';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs/documents');
const work = mkdtempSync(join(tmpdir(), 'sample-documents-'));
const central = await startCentral({ seed: 20, seedValue: 7 });
const request = (await central.store.getRequest('REQ-0000005'))!;
await central.close();
const renderer = new DocumentRenderer(loadFonts(join(root, 'resources')), loadWording(join(root, 'resources')), createMemoryLogger());
const now = new Date('2026-11-22T09:30:00Z');
const office = { code: 'ZZIS00100A', name: 'Istituto di prova "Sportello"', comune: 'Roma' };
const operator = { id: 'op', displayName: 'Assistente di prova' };
const hard = { ...request, applicant: { ...request.applicant, surname: "Ștefănescu-Łukaszewicz D'Angelo", name: 'Jürgen Núñez' } };
const delegate = {
  fiscalCode: 'RSSMRA80A01H501U',
  surname: 'Rossi',
  name: 'Mario',
  sex: 'M' as const,
  birthDate: '1980-01-01',
  birthPlaceCode: 'H501',
  document: {
    kind: 'passport' as const,
    number: 'YA1234567',
    issuer: 'Questura di Roma',
    issueDate: '2020-01-01',
    expiryDate: '2030-01-01',
  },
};
const base = {
  identificationId: 'x',
  request: hard,
  presenter: 'applicant' as const,
  delegateName: null,
  office,
  operator,
  at: now.toISOString(),
  status: 'accepted' as const,
  notAcceptedReason: null,
  refusalReasons: [
    'Documento scaduto il 21/11/2026.',
    'Il numero del documento presentato è diverso da quello dichiarato nella richiesta.',
  ],
  refusalNote: 'Il richiedente tornerà con la nuova carta d’identità elettronica.',
};
const rows: RegisterRow[] = Array.from({ length: 40 }, (_, i) => ({
  at: new Date(now.getTime() + i * 7 * 60_000).toISOString(),
  requestId: `REQ-${String(100 + i).padStart(7, '0')}`,
  fiscalCode: request.applicant.fiscalCode,
  surname: i === 2 ? 'Ștefănescu-Łukaszewicz' : request.applicant.surname,
  name: request.applicant.name,
  status: i % 6 === 4 ? 'refused' : i > 36 ? 'queued' : 'accepted',
  presenter: i % 5 === 3 ? 'delegate' : 'applicant',
  operator: operator.displayName,
  syncState: i > 36 ? 'pending' : 'acked',
}));
const documents = {
  'modulo-adesione': await renderer.moduloAdesione(hard, office, operator, now),
  'modulo-delega': await renderer.moduloDelega(hard, delegate, now),
  'ricevuta-identificazione': await renderer.receipt({ ...base, outcome: 'confirmed' }, now),
  'ricevuta-rifiuto': await renderer.receipt({ ...base, outcome: 'refused', status: 'refused' }, now),
  'avviso-non-accettata': await renderer.receipt(
    {
      ...base,
      outcome: 'confirmed',
      status: 'not-accepted',
      notAcceptedReason:
        'La richiesta è stata annullata sul servizio centrale prima che la conferma arrivasse: il richiedente deve presentare una nuova richiesta.',
    },
    now,
  ),
  'registro-giornaliero': await renderer.dailyRegister('2026-11-22', office, rows, now),
  'informativa-privacy': await renderer.informativaPrivacy(office, { number: () => 120, text: () => '' }, now),
  // Training mode's kit (the delegate case: two pages), with the training watermark.
  'kit-esercitazione': await new DocumentRenderer(
    loadFonts(join(root, 'resources')),
    loadWording(join(root, 'resources')),
    createMemoryLogger(),
    'training',
  ).trainingKit(trainingExercises(now).cards.find((card) => card.exercise?.kind === 'delegate')!.exercise!, now),
};
for (const [name, document] of Object.entries(documents)) {
  const pdf = join(work, `${name}.pdf`);
  writeFileSync(pdf, document.bytes);
  execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, join(out, name)]);
  process.stdout.write(`docs/documents/${name}.png\n`);
}
