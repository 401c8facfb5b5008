import type { PDFFont } from '@cantoo/pdf-lib';
import type { FontWeight, WidthCache } from './fonts';

export interface FittedText {
  lines: string[];
  size: number;
  /** True when even the smallest size needed an ellipsis. */
  truncated: boolean;
}

/** Stroke width that turns regular outlines into a semibold or bold weight. */
export function emboldening(weight: FontWeight, size: number): number {
  return weight === 'bold' ? size * 0.045 : weight === 'semibold' ? size * 0.028 : 0;
}

/**
 * Text as the document font draws it: cleaned of what it cannot draw, measured, wrapped
 * and fitted into a box (shrink, then cut, then an ellipsis), counting every compromise.
 */
export class TextMeasure {
  /** Characters the font could not draw, replaced by "?". */
  missingGlyphs = 0;
  truncations = 0;

  constructor(
    private readonly font: PDFFont,
    private readonly charset: Set<number>,
    private readonly widths: WidthCache,
  ) {}

  /** NFC, no control characters, and "?" for what the font cannot draw. */
  clean(text: string): string {
    const charset = this.charset;
    let out = '';
    for (const char of text.normalize('NFC').replace(/\p{Cc}/gu, ' ')) {
      const code = char.codePointAt(0)!;
      if (charset.has(code)) out += char;
      else {
        this.missingGlyphs++;
        out += '?';
      }
    }
    return out;
  }

  width(text: string, size: number, weight: FontWeight = 'regular'): number {
    // A stroke widens the line by its width (half on each side).
    return this.widths.unitWidth(this.font, 'regular', text) * size + emboldening(weight, size);
  }

  /** Greedy word wrap; a word longer than the line is cut by characters (see `cutWords`). */
  wrap(text: string, size: number, maxWidth: number, weight: FontWeight = 'regular'): string[] {
    return this.wrapCounting(text, size, maxWidth, weight).lines;
  }

  private wrapCounting(text: string, size: number, maxWidth: number, weight: FontWeight): { lines: string[]; cutWords: number } {
    const lines: string[] = [];
    let cutWords = 0;
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.width(candidate, size, weight) <= maxWidth) {
          line = candidate;
          continue;
        }
        if (line) lines.push(line);
        let rest = word;
        if (this.width(rest, size, weight) > maxWidth) cutWords++;
        while (this.width(rest, size, weight) > maxWidth) {
          let cut = rest.length - 1;
          while (cut > 1 && this.width(rest.slice(0, cut), size, weight) > maxWidth) cut--;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      lines.push(line);
    }
    return { lines, cutWords };
  }

  /** Shrinks from `size` down to `minSize`, then wraps into at most `maxLines`; ellipsis as the last resort. */
  fit(text: string, maxWidth: number, options: { size: number; minSize: number; maxLines: number; weight?: FontWeight }): FittedText {
    const weight = options.weight ?? 'regular';
    const clean = this.clean(text);
    // Shrinking beats cutting a word in two; cutting beats an ellipsis.
    for (const allowCuts of [false, true]) {
      for (let size = options.size; size >= options.minSize - 0.001; size -= 0.5) {
        const { lines, cutWords } = this.wrapCounting(clean, size, maxWidth, weight);
        if (lines.length <= options.maxLines && (allowCuts || cutWords === 0)) return { lines, size, truncated: false };
      }
    }
    const size = options.minSize;
    const lines = this.wrap(clean, size, maxWidth, weight).slice(0, options.maxLines);
    let last = lines[lines.length - 1] ?? '';
    while (last.length > 0 && this.width(`${last}…`, size, weight) > maxWidth) last = last.slice(0, -1);
    lines[lines.length - 1] = `${last}…`;
    this.truncations++;
    return { lines, size, truncated: true };
  }
}
