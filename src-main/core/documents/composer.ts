import {
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setLineWidth,
  setStrokingColor,
  setTextRenderingMode,
  TextRenderingMode,
  type PDFFont,
  type PDFPage,
  type RGB,
} from '@cantoo/pdf-lib';
import { describeDocument, type DocumentMetadata } from './metadata';

export type { DocumentMetadata };
import { cachedFontkit, characterSet, WidthCache, type FontBytes, type FontWeight } from './fonts';
import { emboldening, TextMeasure } from './text-measure';
import { qrCodeOperators } from './qr-code';
import { drawWatermark } from './watermark';

export type { FontBytes, FontWeight } from './fonts';
export { WidthCache } from './fonts';

/**
 * A small layout engine over pdf-lib for A4 documents set in Titillium Web (embedded,
 * subset). Every piece of text is measured with the font: it wraps or shrinks to fit its
 * box and never overflows. A character the font lacks is replaced by "?" (visible) and
 * counted, never a crash.
 */

export const a4 = { width: 595.28, height: 841.89 };
const margin = { top: 48, bottom: 56, left: 48, right: 48 };
const contentWidth = a4.width - margin.left - margin.right;

const colors = {
  text: rgb(0.1, 0.1, 0.1),
  muted: rgb(0.35, 0.38, 0.42),
  primary: rgb(0, 0.35, 0.7),
  rule: rgb(0.75, 0.78, 0.82),
  fill: rgb(0.95, 0.96, 0.98),
};

export class Composer {
  private page!: PDFPage;
  private y = 0;
  private readonly pages: PDFPage[] = [];
  private readonly measure: TextMeasure;
  /** Lines drawn wider than their box: must stay 0 (checked by the tests). */
  overflows = 0;

  private checkWidth(line: string, size: number, weight: FontWeight, maxWidth: number): void {
    if (this.measure.width(line, size, weight) > maxWidth + 0.01) this.overflows++;
  }

  private constructor(
    readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly footer: (page: number, pages: number) => string,
    widths: WidthCache,
  ) {
    this.measure = new TextMeasure(font, characterSet(font), widths);
    this.newPage();
  }

  static async create(
    fontBytes: FontBytes,
    metadata: DocumentMetadata,
    footer: (page: number, pages: number) => string,
    widths: WidthCache = new WidthCache(),
  ): Promise<Composer> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(cachedFontkit);
    // Fixed names: pdf-lib would otherwise add a suffix to each embedded font. Kerning and
    // ligatures off: pdf-lib draws glyphs at their plain advances anyway, and shaping them
    // is the dearest part of drawing text.
    const features = { kern: false, liga: false, clig: false, calt: false };
    // A subset's name carries a tag (ISO 32000-1 § 9.6.4: six capitals and "+"), fixed for determinism.
    const regular = await doc.embedFont(fontBytes.regular, { subset: true, customName: 'SPIDEN+TitilliumWeb-Regular', features });
    describeDocument(doc, metadata);
    // One embedded font keeps documents small and quick: heavier weights are drawn with
    // the regular outlines filled and stroked (a thin stroke of the text's own colour).
    return new Composer(doc, regular, footer, widths);
  }

  /** Characters the font could not draw, replaced by "?". */
  get missingGlyphs(): number {
    return this.measure.missingGlyphs;
  }

  get truncations(): number {
    return this.measure.truncations;
  }

  // --- pages ---------------------------------------------------------------------

  private newPage(): void {
    this.page = this.doc.addPage([a4.width, a4.height]);
    // The page's font, named once in its resources: every line is drawn in it (no `font`
    // option: pdf-lib gives each drawText with one two new names, a set and a restore).
    this.page.setFont(this.font);
    this.pages.push(this.page);
    this.y = a4.height - margin.top;
  }

  /** Starts a new page when `height` does not fit on this one. Returns true if it did. */
  ensure(height: number): boolean {
    if (this.y - height >= margin.bottom) return false;
    this.newPage();
    return true;
  }

  space(points: number): void {
    this.y -= points;
  }

  /** A new page, whatever room is left on this one. */
  pageBreak(): void {
    this.newPage();
  }

  /** A block the caller draws (a barcode, a card's lines): `height` reserved, `draw` given the page, the left edge, the top and the width. */
  block(height: number, draw: (page: PDFPage, x: number, top: number, width: number) => void): void {
    this.ensure(height);
    draw(this.page, margin.left, this.y, contentWidth);
    this.y -= height;
  }

  get cursor(): number {
    return this.y;
  }

  /** Draws one line in a weight: regular as is, heavier weights filled and stroked. */
  private text(line: string, x: number, y: number, size: number, weight: FontWeight, color: RGB, page: PDFPage = this.page): void {
    const stroke = emboldening(weight, size);
    if (stroke === 0) {
      page.drawText(line, { x, y, size, color });
      return;
    }
    page.pushOperators(
      pushGraphicsState(),
      setTextRenderingMode(TextRenderingMode.FillAndOutline),
      setLineWidth(stroke),
      setStrokingColor(color),
    );
    page.drawText(line, { x, y, size, color });
    page.pushOperators(popGraphicsState());
  }

  private drawLines(
    lines: string[],
    x: number,
    top: number,
    size: number,
    weight: FontWeight,
    color = colors.text,
    lineHeight = 1.25,
    maxWidth = a4.width - margin.right - x,
  ): number {
    let baseline = top - size;
    for (const line of lines) {
      this.checkWidth(line, size, weight, maxWidth);
      this.text(line, x, baseline, size, weight, color);
      baseline -= size * lineHeight;
    }
    return lines.length * size * lineHeight;
  }

  // --- blocks ----------------------------------------------------------------------

  /** The document's masthead: small lines above, a title, and an optional QR code on the right. */
  async masthead(overlines: string[], title: string, qr?: { text: string; caption: string }): Promise<void> {
    const qrSize = qr ? 78 : 0;
    const textWidth = contentWidth - (qr ? qrSize + 16 : 0);
    const top = this.y;
    let height = 0;
    for (const line of overlines) {
      const fitted = this.measure.fit(line, textWidth, { size: 10, minSize: 7, maxLines: 1, weight: 'semibold' });
      height += this.drawLines(fitted.lines, margin.left, top - height, fitted.size, 'semibold', colors.primary);
    }
    height += 4;
    const fittedTitle = this.measure.fit(title, textWidth, { size: 22, minSize: 14, maxLines: 2, weight: 'bold' });
    height += this.drawLines(fittedTitle.lines, margin.left, top - height, fittedTitle.size, 'bold');
    if (qr) {
      const x0 = a4.width - margin.right - qrSize;
      const y0 = top - qrSize;
      this.page.pushOperators(...qrCodeOperators(qr.text, qrSize, x0, y0));
      const caption = this.measure.fit(qr.caption, qrSize + 10, { size: 6.5, minSize: 5, maxLines: 2 });
      this.drawLines(caption.lines, x0 - 5, y0 - 3, caption.size, 'regular', colors.muted);
      height = Math.max(height, qrSize + 18);
    }
    this.y = top - height - 10;
    this.page.drawLine({
      start: { x: margin.left, y: this.y },
      end: { x: a4.width - margin.right, y: this.y },
      thickness: 1.2,
      color: colors.primary,
    });
    this.y -= 14;
  }

  sectionTitle(text: string): void {
    this.ensure(60);
    const fitted = this.measure.fit(text, contentWidth, { size: 12.5, minSize: 9, maxLines: 2, weight: 'bold' });
    this.y -= this.drawLines(fitted.lines, margin.left, this.y, fitted.size, 'bold', colors.primary) + 4;
  }

  /**
   * Labelled values in a grid of boxes. Each value shrinks (11 → 7 pt) and wraps into its
   * box (two lines, or `wideLines` for a full-width field): never past its edges.
   */
  fields(rows: Array<{ label: string; value: string; span?: 1 | 2 | 3 }>, options: { columns?: 1 | 2 | 3; maxLines?: number } = {}): void {
    const columns = options.columns ?? 2;
    const gap = 10;
    const boxHeight = 33;
    const colWidth = (contentWidth - gap * (columns - 1)) / columns;
    let column = 0;
    for (const row of rows) {
      const span = Math.min(row.span ?? 1, columns);
      if (column + span > columns) {
        column = 0;
        this.y -= boxHeight + 6;
      }
      if (column === 0) this.ensure(boxHeight + 6);
      const x = margin.left + column * (colWidth + gap);
      const width = span * colWidth + (span - 1) * gap;
      const top = this.y;
      this.page.drawRectangle({
        x,
        y: top - boxHeight,
        width,
        height: boxHeight,
        color: colors.fill,
        borderColor: colors.rule,
        borderWidth: 0.6,
      });
      const label = this.measure.fit(row.label, width - 10, { size: 7.5, minSize: 6, maxLines: 1, weight: 'semibold' });
      this.drawLines(label.lines, x + 5, top - 3, label.size, 'semibold', colors.muted);
      const value = this.measure.fit(row.value || '—', width - 10, { size: 11, minSize: 7, maxLines: options.maxLines ?? 2 });
      // Lines of the value share the space under the label.
      const available = boxHeight - 13;
      const lineHeight = Math.min(value.size * 1.15, available / value.lines.length);
      let baseline = top - 12 - value.size;
      for (const line of value.lines) {
        this.checkWidth(line, value.size, 'regular', width - 10);
        this.page.drawText(line, { x: x + 5, y: baseline, size: value.size, color: colors.text });
        baseline -= lineHeight;
      }
      column += span;
      if (column >= columns) {
        column = 0;
        this.y -= boxHeight + 6;
      }
    }
    if (column !== 0) this.y -= boxHeight + 6;
    this.y -= 6;
  }

  paragraph(text: string, options: { size?: number; weight?: FontWeight; bullet?: boolean; color?: 'text' | 'muted' } = {}): void {
    const size = options.size ?? 10;
    const indent = options.bullet ? 12 : 0;
    const lines = this.measure.wrap(this.measure.clean(text), size, contentWidth - indent, options.weight);
    const lineHeight = size * 1.3;
    for (const [index, line] of lines.entries()) {
      this.ensure(lineHeight + 2);
      this.checkWidth(line, size, options.weight ?? 'regular', contentWidth - indent);
      if (options.bullet && index === 0) this.page.drawText('•', { x: margin.left + 2, y: this.y - size, size, color: colors.text });
      this.text(
        line,
        margin.left + indent,
        this.y - size,
        size,
        options.weight ?? 'regular',
        options.color === 'muted' ? colors.muted : colors.text,
      );
      this.y -= lineHeight;
    }
    this.y -= 4;
  }

  /** Signature boxes side by side (one or two), tall enough to sign. */
  signatures(labels: string[]): void {
    const gap = 16;
    const height = 62;
    this.ensure(height + 20);
    const width = (contentWidth - gap * (labels.length - 1)) / labels.length;
    labels.forEach((label, index) => {
      const x = margin.left + index * (width + gap);
      this.page.drawRectangle({ x, y: this.y - height, width, height, borderColor: colors.rule, borderWidth: 0.8 });
      const fitted = this.measure.fit(label, width - 10, { size: 8, minSize: 6, maxLines: 2, weight: 'semibold' });
      this.drawLines(fitted.lines, x + 5, this.y - 3, fitted.size, 'semibold', colors.muted);
    });
    this.y -= height + 14;
  }

  /** A boxed, emphasised line (outcomes on receipts). */
  banner(text: string, tone: 'ok' | 'ko'): void {
    this.ensure(40);
    const fitted = this.measure.fit(text, contentWidth - 20, { size: 14, minSize: 9, maxLines: 2, weight: 'bold' });
    const height = fitted.lines.length * fitted.size * 1.25 + 14;
    const color = tone === 'ok' ? rgb(0, 0.45, 0.25) : rgb(0.7, 0.1, 0.15);
    this.page.drawRectangle({ x: margin.left, y: this.y - height, width: contentWidth, height, borderColor: color, borderWidth: 1.5 });
    this.drawLines(fitted.lines, margin.left + 10, this.y - 7, fitted.size, 'bold', color);
    this.y -= height + 12;
  }

  /**
   * A table over as many pages as needed, repeating its header. Cells shrink, then wrap
   * to two lines, then end with an ellipsis: a row never spills out of its column.
   */
  table(columns: Array<{ header: string; width: number; align?: 'left' | 'right' }>, rows: string[][]): void {
    const total = columns.reduce((sum, column) => sum + column.width, 0);
    const widths = columns.map((column) => (column.width / total) * contentWidth);
    const rowHeight = 22;
    const header = () => {
      this.ensure(rowHeight * 2);
      let x = margin.left;
      this.page.drawRectangle({ x: margin.left, y: this.y - rowHeight, width: contentWidth, height: rowHeight, color: colors.primary });
      columns.forEach((column, index) => {
        const fitted = this.measure.fit(column.header, widths[index]! - 6, { size: 8, minSize: 6, maxLines: 2, weight: 'bold' });
        this.drawLines(
          fitted.lines,
          x + 3,
          this.y - (rowHeight - fitted.lines.length * fitted.size * 1.15) / 2 + 1,
          fitted.size,
          'bold',
          rgb(1, 1, 1),
          1.15,
        );
        x += widths[index]!;
      });
      this.y -= rowHeight;
    };
    header();
    rows.forEach((row, rowIndex) => {
      if (this.ensure(rowHeight)) header();
      if (rowIndex % 2 === 1)
        this.page.drawRectangle({ x: margin.left, y: this.y - rowHeight, width: contentWidth, height: rowHeight, color: colors.fill });
      let x = margin.left;
      row.forEach((cell, index) => {
        const width = widths[index]! - 6;
        const fitted = this.measure.fit(cell, width, { size: 8, minSize: 6, maxLines: 2 });
        const blockHeight = fitted.lines.length * fitted.size * 1.15;
        const top = this.y - (rowHeight - blockHeight) / 2 + 1;
        let baseline = top - fitted.size;
        for (const line of fitted.lines) {
          this.checkWidth(line, fitted.size, 'regular', width);
          const lineX = columns[index]!.align === 'right' ? x + 3 + width - this.measure.width(line, fitted.size) : x + 3;
          this.page.drawText(line, { x: lineX, y: baseline, size: fitted.size, color: colors.text });
          baseline -= fitted.size * 1.15;
        }
        x += widths[index]!;
      });
      this.page.drawLine({
        start: { x: margin.left, y: this.y - rowHeight },
        end: { x: a4.width - margin.right, y: this.y - rowHeight },
        thickness: 0.4,
        color: colors.rule,
      });
      this.y -= rowHeight;
    });
    this.y -= 8;
  }

  /** Page numbers and the generator line on every page; returns the PDF bytes. */
  /** Footers on every page, and the watermark when there is one (training). */
  async finish(watermark: string | null = null): Promise<Uint8Array> {
    const pages = this.pages.length;
    this.pages.forEach((page, index) => {
      if (watermark) drawWatermark(page, this.font, this.measure.clean(watermark));
      const text = this.measure.clean(this.footer(index + 1, pages));
      const size = 7.5;
      page.drawLine({
        start: { x: margin.left, y: margin.bottom - 18 },
        end: { x: a4.width - margin.right, y: margin.bottom - 18 },
        thickness: 0.4,
        color: colors.rule,
      });
      page.drawText(text, { x: margin.left, y: margin.bottom - 30, size, color: colors.muted });
    });
    return this.doc.save({ useObjectStreams: false });
  }
}
