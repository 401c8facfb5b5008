import {
  concatTransformationMatrix,
  fill,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  type PDFOperator,
} from '@cantoo/pdf-lib';
import QRCode from 'qrcode';

/** QR's alphanumeric character set (ISO/IEC 18004 § 7.4.4). */
const alphanumeric = /^[0-9A-Z $%*+\-./:]+$/;

/**
 * A QR code (error correction M) as PDF drawing: a square of `size` points whose lower
 * left corner is at (x, y). Horizontal runs of dark modules are plain rectangles in one
 * fill, in the symbol's own units (one scale for all): whole numbers, short to write, no
 * per-module objects. A text in the alphanumeric set (a modulo code is) goes as one
 * segment of that mode: the library need not search for the best mix of modes.
 */
export function qrCodeOperators(text: string, size: number, x: number, y: number): PDFOperator[] {
  const segments = alphanumeric.test(text) ? [{ data: text, mode: 'alphanumeric' as const }] : text;
  const matrix = QRCode.create(segments, { errorCorrectionLevel: 'M' }).modules;
  const cell = size / matrix.size;
  const operators = [pushGraphicsState(), concatTransformationMatrix(cell, 0, 0, cell, x, y), setFillingRgbColor(0, 0, 0)];
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (!matrix.get(row, col)) continue;
      let end = col;
      while (end + 1 < matrix.size && matrix.get(row, end + 1)) end++;
      operators.push(rectangle(col, matrix.size - 1 - row, end - col + 1, 1));
      col = end;
    }
  }
  operators.push(fill(), popGraphicsState());
  return operators;
}
