import fontkit, { type Font } from '@cantoo/fontkit';
import type { PDFDocument, PDFFont } from '@cantoo/pdf-lib';

/** The document font: parsed once per process, its character set and text widths remembered. */

/** Titillium Web Regular (TrueType); heavier weights are drawn from it (see `text`). */
export interface FontBytes {
  regular: Uint8Array;
  /** The sRGB ICC profile a PDF/A document declares as its output intent (resources/color). */
  srgbProfile: Uint8Array;
}

export type FontWeight = 'regular' | 'semibold' | 'bold';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

const characterSets = new WeakMap<object, Set<number>>();
/** The code points a font can draw (computed once per parsed font). */
export function characterSet(font: PDFFont): Set<number> {
  const key = (font as unknown as { embedder: { font: object } }).embedder.font;
  let set = characterSets.get(key);
  if (!set) {
    set = new Set(font.getCharacterSet());
    characterSets.set(key, set);
  }
  return set;
}

/**
 * fontkit for pdf-lib, parsing each font's bytes once per process and remembering the
 * shaping of each string (labels repeat on every page and every document). The font
 * object is read-only to pdf-lib: each document still makes its own subset.
 */
const parsedFonts = new WeakMap<Uint8Array, Font>();
export const cachedFontkit: Fontkit = {
  create(bytes: Uint8Array) {
    let font = parsedFonts.get(bytes);
    if (!font) {
      const parsed = fontkit.create(bytes);
      // The app's fonts are single TrueType faces, never collections.
      if (!('layout' in parsed)) throw new TypeError('a font collection is not a document font');
      const single: Font = parsed;
      const layout = single.layout.bind(single);
      const shaped = new Map<string, ReturnType<Font['layout']>>();
      single.layout = ((text: string, features?: Parameters<Font['layout']>[1]) => {
        const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
        let run = shaped.get(key);
        if (!run) {
          run = layout(text, features);
          if (shaped.size > 20_000) shaped.clear();
          shaped.set(key, run);
        }
        return run;
      }) as Font['layout'];
      parsedFonts.set(bytes, single);
      font = single;
    }
    return font;
  },
};

/**
 * Text widths at 1 pt, per weight. Width is linear in the size, and measuring (a full
 * OpenType layout) is the dearest step of fitting text: one measurement serves every
 * size tried, and every document of the same fonts.
 */
export class WidthCache {
  private readonly maps: Record<FontWeight, Map<string, number>> = { regular: new Map(), semibold: new Map(), bold: new Map() };

  unitWidth(font: PDFFont, weight: FontWeight, text: string): number {
    const map = this.maps[weight];
    let width = map.get(text);
    if (width === undefined) {
      width = font.widthOfTextAtSize(text, 1);
      if (map.size > 100_000) map.clear();
      map.set(text, width);
    }
    return width;
  }
}
