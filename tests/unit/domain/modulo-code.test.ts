import { describe, expect, it } from 'vitest';
import { moduloCode, readModuloCode } from '../../../shared/domain/modulo-code';

/** QR's alphanumeric mode: what a 2D reader types back the same on any keyboard layout's digits and capitals. */
const qrAlphanumeric = /^[0-9A-Z $%*+\-./:]+$/;

describe("the modulo di adesione's code (#17, item 3)", () => {
  it('carries the request id and the fiscal code, in QR alphanumeric characters only', () => {
    const text = moduloCode('REQ-0000042', 'RSSMRA80A01H501U');
    expect(text).toMatch(qrAlphanumeric);
    expect(text).toContain('REQ-0000042');
    expect(text).toContain('RSSMRA80A01H501U');
    expect(readModuloCode(text)).toEqual({ requestId: 'REQ-0000042', fiscalCode: 'RSSMRA80A01H501U' });
  });

  it('is read back as a reader types it: spaces around, lower case', () => {
    expect(readModuloCode(`  ${moduloCode('REQ-0000042', 'RSSMRA80A01H501U').toLowerCase()} `)).toEqual({
      requestId: 'REQ-0000042',
      fiscalCode: 'RSSMRA80A01H501U',
    });
  });

  it('is not a fiscal code, and a fiscal code or other text is not a modulo code', () => {
    expect(readModuloCode('RSSMRA80A01H501U')).toBeNull();
    expect(readModuloCode('*RSSMRA80A01H501U*')).toBeNull();
    expect(readModuloCode('IOL:REQ-1:RSSMRA80A01H501')).toBeNull();
    expect(readModuloCode('IOL::RSSMRA80A01H501U')).toBeNull();
    expect(readModuloCode(`IOL:${'X'.repeat(65)}:RSSMRA80A01H501U`)).toBeNull();
  });

  it('reads the moduli printed before, whose QR held JSON', () => {
    expect(readModuloCode('{"richiesta":"REQ-0000004","codiceFiscale":"RSSMRA80A01H501U"}')).toEqual({
      requestId: 'REQ-0000004',
      fiscalCode: 'RSSMRA80A01H501U',
    });
    expect(readModuloCode('{"richiesta":"REQ-0000004"}')).toBeNull();
  });
});
