import { parseFiscalCode, type FiscalCodeErrorCode, type ParsedFiscalCode } from './fiscal-code';
import type { IsoDate } from './dates';
import { refuse, type DomainResult } from './result';

/**
 * Tessera sanitaria (TS-CNS): card number of 20 digits starting with 80380 (the
 * issuer prefix) and ending with a Luhn check digit; the fiscal code is printed as a
 * Code 39 barcode, which a USB reader types as text.
 */
export type HealthCardNumberErrorCode = 'empty' | 'length' | 'format' | 'prefix' | 'check-digit';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let value = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return sum % 10 === 0;
}

export function luhnCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(body + digit)) return String(digit);
  throw new RangeError('unreachable');
}

export function validateHealthCardNumber(text: string): DomainResult<string, HealthCardNumberErrorCode> {
  const number = (typeof text === 'string' ? text : '').replace(/\s+/g, '');
  if (number === '') return refuse('empty', { key: 'health-card.empty' });
  if (!/^\d+$/.test(number)) return refuse('format', { key: 'health-card.format' });
  if (number.length !== 20) return refuse('length', { key: 'health-card.length', params: { length: number.length } });
  if (!number.startsWith('80380')) return refuse('prefix', { key: 'health-card.prefix' });
  if (!luhnValid(number)) return refuse('check-digit', { key: 'health-card.check-digit' });
  return { ok: true, value: number };
}

/**
 * The fiscal code as a barcode reader typed it from the Code 39 on the tessera sanitaria
 * or the back of the CIE: Code 39 start/stop asterisks and stray spaces are dropped.
 */
export function readFiscalCodeBarcode(text: string, options: { on?: IsoDate } = {}): DomainResult<ParsedFiscalCode, FiscalCodeErrorCode> {
  const cleaned = (typeof text === 'string' ? text : '').replace(/\*/g, '');
  return parseFiscalCode(cleaned, options);
}
