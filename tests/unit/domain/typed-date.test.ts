import { describe, expect, it } from 'vitest';
import { maskDateEntry, readTypedDate } from '../../../shared/domain/typed-date';

/** Typing one key at a time, as the field sees it: what it shows after each. */
function typeKeys(keys: string): string[] {
  const shown: string[] = [];
  let value = '';
  for (const key of keys) {
    value = key === '\b' ? value.slice(0, -1) : value + key;
    value = maskDateEntry(value, 'typing');
    shown.push(value);
  }
  return shown;
}

describe('dates typed gg/mm/aaaa (#17)', () => {
  it('adds the slashes as one types digits, and Backspace takes digits away without sticking on a slash', () => {
    expect(typeKeys('27112019')).toEqual(['2', '27', '27/1', '27/11', '27/11/2', '27/11/20', '27/11/201', '27/11/2019']);
    const erasing = typeKeys(`27112019${'\b'.repeat(12)}`).slice(7);
    for (let i = 1; i < erasing.length && erasing[i - 1] !== ''; i++) expect(erasing[i]!.length).toBeLessThan(erasing[i - 1]!.length);
    expect(erasing.at(-1)).toBe('');
    // Letters and extra digits are not taken.
    expect(typeKeys('2a7x1120199')).toEqual(expect.arrayContaining(['27/11/2019']));
    expect(maskDateEntry('2711201999')).toBe('27/11/2019');
  });

  it('keeps a slash typed after a whole day or month, and pads a one-digit day or month followed by one', () => {
    expect(typeKeys('27/11/2019').at(-1)).toBe('27/11/2019');
    expect(typeKeys('27/')).toEqual(['2', '27', '27/']);
    expect(typeKeys('1/2/2019').at(-1)).toBe('01/02/2019');
    expect(maskDateEntry('1.2.2019')).toBe('01/02/2019');
    expect(maskDateEntry('/1/2/2019')).toBe('01/02/2019');
  });

  it('an edit in the middle keeps each part where it is: a digit taken out of the month leaves room for the right one', () => {
    expect(maskDateEntry('27/1/2019', 'typing')).toBe('27/1/2019');
    expect(maskDateEntry('27/10/2019', 'typing')).toBe('27/10/2019');
    expect(maskDateEntry('2/11/2019', 'typing')).toBe('2/11/2019');
    // What overflows a part flows on; a date typed with its slashes is the same.
    expect(maskDateEntry('27/112', 'typing')).toBe('27/11/2');
    expect(maskDateEntry('27/1/', 'typing')).toBe('27/01/');
    // …and reads as the date it says (the field shows it whole once left).
    expect(readTypedDate('27/1/2019')).toEqual({ ok: true, value: '2019-01-27' });
  });

  it.each(['27/11/2019', '27.11.2019', '27-11-2019', '27112019', '2019-11-27', ' 27 11 2019 '])('reads %s as 2019-11-27', (pasted) => {
    expect(readTypedDate(pasted)).toEqual({ ok: true, value: '2019-11-27' });
  });

  it('names an impossible date and an incomplete one; nothing typed is no date, not an error', () => {
    const impossible = readTypedDate('31022019');
    expect(impossible).toMatchObject({ ok: false, error: { code: 'impossible', message: 'La data 31/02/2019 non esiste: controllarla.' } });
    expect(readTypedDate('29022023')).toMatchObject({ ok: false, error: { code: 'impossible' } });
    expect(readTypedDate('29022024')).toEqual({ ok: true, value: '2024-02-29' });
    expect(readTypedDate('00/00/0000')).toMatchObject({ ok: false, error: { code: 'impossible' } });
    expect(readTypedDate('01/01/0200')).toMatchObject({ ok: false, error: { code: 'impossible' } });
    expect(readTypedDate('2711')).toMatchObject({ ok: false, error: { code: 'incomplete' } });
    expect(readTypedDate('')).toEqual({ ok: true, value: '' });
    expect(readTypedDate('  ')).toEqual({ ok: true, value: '' });
  });
});
