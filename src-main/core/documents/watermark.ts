import { degrees, rgb, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';

/**
 * A large diagonal mark across the page (training mode: "PROVA — FAC-SIMILE"), light
 * enough to read the page through, impossible to miss: a training paper must never pass
 * for a real one. Drawn in the page's font, which must be `font` (the composer sets it on
 * every page it makes): `font` only measures the text, to centre it.
 */
export function drawWatermark(page: PDFPage, font: PDFFont, text: string): void {
  const size = 44;
  const width = font.widthOfTextAtSize(text, size);
  const { width: pageWidth, height: pageHeight } = page.getSize();
  // Centred on the page, rotated 45°: start half the text's length back along the diagonal.
  const offset = width / 2 / Math.SQRT2;
  page.drawText(text, {
    x: pageWidth / 2 - offset,
    y: pageHeight / 2 - offset,
    size,
    rotate: degrees(45),
    color: rgb(0.75, 0.1, 0.1),
    opacity: 0.18,
  });
}
