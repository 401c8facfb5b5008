/**
 * Telling a barcode reader from a person, in a text field. A USB reader types like a
 * keyboard, a character every few milliseconds, often with Code 39's start and stop
 * asterisks; a person takes a tenth of a second or more a key. What counts: the text was
 * typed key by key since the field was emptied or selected (no paste, drop, autofill,
 * undo or input method), and it is wrapped in asterisks or came in a burst.
 */

/** Most keyboard readers type a character every 2–20 ms; the fastest typists take about 60. */
export const readerGapMs = 35;
/** A fiscal code's length: a shorter burst is not a card's code. */
const shortestRead = 16;

export interface ReaderInput {
  /** An `input` event's type and time (`InputEvent.inputType`, `Event.timeStamp`). */
  record(inputType: string, timeStamp: number, composing: boolean): void;
  /** The field was emptied or its text selected to be replaced: what follows starts again. */
  restart(): void;
  /** Whether `text`, the field's text now, came from a reader. */
  readByReader(text: string): boolean;
}

export function readerInput(): ReaderInput {
  let times: number[] = [];
  let keyByKey = true;
  return {
    record(inputType, timeStamp, composing) {
      if (inputType === 'insertText' && !composing) times.push(timeStamp);
      else keyByKey = false;
    },
    restart() {
      times = [];
      keyByKey = true;
    },
    readByReader(text) {
      if (!keyByKey || times.length !== text.length) return false;
      if (/^\*[^*]+\*$/.test(text)) return true;
      return times.length >= shortestRead && times.every((time, index) => index === 0 || time - times[index - 1]! <= readerGapMs);
    },
  };
}
