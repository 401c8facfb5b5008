import { parseFiscalCode } from '../shared/domain/fiscal-code';
import { syntheticPeople } from '../shared/domain/synthetic-people';
import type { BenchCase } from './harness';

/**
 * parseFiscalCode per second (normalise, shape, check character, date, dated Belfiore
 * lookup) vs a bare regular-expression test of the same inputs, in the same run.
 */
const shape = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

function perSecond(fn: (code: string) => unknown, codes: string[], minMs = 400): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const code of codes) fn(code);
    count += codes.length;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

export const fiscalCodeParsing: BenchCase = {
  name: 'fiscal-code',
  async run() {
    const codes = syntheticPeople(7, 5000, { omocodeShare: 0.1 }).map((p) => p.fiscalCode);
    parseFiscalCode(codes[0]!, { on: '2026-11-22' }); // build the Belfiore index outside the timing
    let sink = 0;
    const subject: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < 5; round++) {
      subject.push(perSecond((code) => (sink += parseFiscalCode(code, { on: '2026-11-22' }).ok ? 1 : 0), codes));
      baseline.push(perSecond((code) => (sink += shape.test(code) ? 1 : 0), codes));
    }
    if (sink === 0) throw new Error('nothing parsed');
    const best = (values: number[]) => values.sort((a, b) => b - a)[Math.floor(values.length / 2)]!;
    const s = best(subject);
    const b = best(baseline);
    return [
      {
        case: 'parseFiscalCode',
        metric: 'median of 5 rounds',
        unit: 'codes/s',
        value: s,
        baseline: { label: 'bare regular-expression test', value: b },
        ratio: s / b,
        notes: '5,000 synthetic codes, 10% omocode',
      },
    ];
  },
};
