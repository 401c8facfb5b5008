/** JsBarcode's Code 39 encoder (the library's own module, used without a canvas or a DOM). */
declare module 'jsbarcode/bin/barcodes/CODE39/index.js' {
  export class CODE39 {
    constructor(data: string, options: { mod43?: boolean });
    valid(): boolean;
    /** `data`: one character a module, '1' a bar, '0' a space (wide elements three modules). */
    encode(): { data: string; text: string };
  }
}
