import { describe, expect, it } from 'vitest';
import { readerInput } from '../../src-renderer/composables/readerInput';

/** #17, item 3: a card read at the desk is a reader's typing, never a person's, a paste or an autofill. */
const code = 'RSSMRA80A01H501U';
/** Each character a key, then its input event, `gapMs` apart. */
function typed(text: string, gapMs: number, start = 1000) {
  const input = readerInput();
  [...text].forEach((_, index) => {
    input.key(start + index * gapMs);
    input.record('insertText', false);
  });
  return input;
}

describe('reader or person', () => {
  it('a burst of a whole code is a reader, with or without Code 39’s asterisks', () => {
    expect(typed(code, 4).readByReader(code)).toBe(true);
    expect(typed(`*${code}*`, 4).readByReader(`*${code}*`)).toBe(true);
  });

  it('a person’s pace is not, unless the asterisks came key by key too (a reader set to send them)', () => {
    expect(typed(code, 90).readByReader(code)).toBe(false);
    expect(typed(code, 36).readByReader(code)).toBe(false);
    expect(typed(`*${code}*`, 120).readByReader(`*${code}*`)).toBe(true);
    // A reader that types with Alt and the numeric keypad: no key to time, the characters one by one.
    const altCodes = readerInput();
    for (let index = 0; index < code.length + 2; index++) altCodes.record('insertText', false);
    expect(altCodes.readByReader(`*${code}*`)).toBe(true);
    expect(altCodes.readByReader('RSSMRA80A01H501UXY')).toBe(false);
  });

  it('after a whole burst, a paste, a drop, an autofill, an undo or an input method makes the text no reader’s', () => {
    for (const inputType of ['insertFromPaste', 'insertFromDrop', 'insertReplacementText', 'historyUndo', 'deleteContentBackward']) {
      const input = typed(code, 4);
      expect(input.readByReader(code), `${inputType}: before`).toBe(true);
      input.record(inputType, false);
      expect(input.readByReader(code), inputType).toBe(false);
    }
    const composed = typed(code, 4);
    composed.record('insertText', true);
    expect(composed.readByReader(code)).toBe(false);
    // A field filled at once (one input event, no keys) is not a read either.
    const once = readerInput();
    once.record('insertText', false);
    expect(once.readByReader(`*${code}*`)).toBe(false);
  });

  it('starts again when the field is emptied or selected: an earlier burst vouches for nothing after', () => {
    const input = typed(code, 4);
    input.record('insertFromPaste', false);
    input.restart();
    [...code].forEach((_, index) => {
      input.key(3000 + index * 3);
      input.record('insertText', false);
    });
    expect(input.readByReader(code)).toBe(true);
    // A burst shorter than a fiscal code, or a text that is not what was typed, is not a card's code.
    expect(typed('RSSMRA80', 4).readByReader('RSSMRA80')).toBe(false);
    expect(typed(code, 4).readByReader(`${code}X`)).toBe(false);
  });
});
