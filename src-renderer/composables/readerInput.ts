/**
 * Telling a barcode reader from a person, in a text field. A USB reader types like a
 * keyboard, a character every few milliseconds, often with Code 39's start and stop
 * asterisks; a person takes a tenth of a second or more a key. What counts: the text was
 * typed key by key since the field was emptied or selected (no paste, drop, autofill,
 * undo or input method), and it came in a burst (timed by the keys' own events), or it
 * is wrapped in the asterisks a reader sends when set to (an operator who types them by
 * hand attests the card as they would by typing it on the card step).
 */

/** Most keyboard readers type a character every 2–20 ms; the fastest typists take about 60. */
export const readerGapMs = 35;
/** A fiscal code's length: a shorter burst is not a card's code. */
const shortestRead = 16;

export interface ReaderInput {
  /** A key that types a character went down (`KeyboardEvent.timeStamp`). */
  key(timeStamp: number): void;
  /** An `input` event's type: only characters typed one by one keep the text a reader's. */
  record(inputType: string, composing: boolean): void;
  /** The field was emptied or its text selected to be replaced: what follows starts again. */
  restart(): void;
  /** Whether `text`, the field's text now, came from a reader. */
  readByReader(text: string): boolean;
}

export function readerInput(): ReaderInput {
  let keys: number[] = [];
  let typed = 0;
  let keyByKey = true;
  return {
    key(timeStamp) {
      keys.push(timeStamp);
    },
    record(inputType, composing) {
      if (inputType === 'insertText' && !composing) typed++;
      else keyByKey = false;
    },
    restart() {
      keys = [];
      typed = 0;
      keyByKey = true;
    },
    readByReader(text) {
      if (!keyByKey || typed !== text.length) return false;
      // The asterisks alone will do (a reader typing with Alt and the numeric keypad has no key events to time).
      if (/^\*[^*]+\*$/.test(text)) return true;
      if (keys.length < text.length) return false;
      const times = keys.slice(-text.length);
      return times.length >= shortestRead && times.every((time, index) => index === 0 || time - times[index - 1]! <= readerGapMs);
    },
  };
}
