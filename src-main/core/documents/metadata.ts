import { createHash } from 'node:crypto';
import { PDFHexString, PDFName, PDFString, type PDFDocument } from '@cantoo/pdf-lib';

/** What every document says about itself (the Info dictionary), and, for the register, PDF/A-2b. */
export interface DocumentMetadata {
  title: string;
  author: string;
  subject?: string;
  /** Fixed for determinism: the same inputs and clock give the same bytes. */
  createdAt: Date;
  language?: string;
  /** PDF/A-2b (the daily register, filed in the protocol): the sRGB profile of its output intent, and what the document is (its file ID). */
  pdfA?: { srgbProfile: Uint8Array; identity: string };
}

const creator = 'Sportello Identificazione';
const producer = 'Sportello Identificazione (@cantoo/pdf-lib)';

/** The Info dictionary, and PDF/A-2b when the document asks for it. */
export function describeDocument(doc: PDFDocument, metadata: DocumentMetadata): void {
  const language = metadata.language ?? 'it-IT';
  doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  doc.setAuthor(metadata.author);
  if (metadata.subject) doc.setSubject(metadata.subject);
  doc.setCreator(creator);
  doc.setProducer(producer);
  doc.setLanguage(language);
  doc.setCreationDate(metadata.createdAt);
  doc.setModificationDate(metadata.createdAt);
  if (metadata.pdfA) {
    const { title, author, subject, createdAt } = metadata;
    const { srgbProfile, identity } = metadata.pdfA;
    declarePdfA2b(doc, { title, author, subject, creator, producer, createdAt, language, identity }, srgbProfile);
  }
}

/**
 * PDF/A-2b (ISO 19005-2, level B) for the daily register, the paper filed in the school's
 * protocol. What level B asks of this document, and how it is met:
 * - every font embedded: the composer embeds its one TrueType font as a subset (Type 0,
 *   CIDFontType2, Identity CIDToGIDMap, ToUnicode); nothing uses the standard 14;
 * - device colours only with a matching output intent: the composer paints in DeviceRGB
 *   (and DeviceGray), and the document declares sRGB (resources/color/sRGB.icc, ICC v2);
 * - XMP metadata, uncompressed, naming the part and conformance (pdfaid), agreeing with
 *   the Info dictionary (title, author, subject, creator tool, producer, dates);
 * - a file identifier in the trailer; no encryption, JavaScript, actions or embedded files
 *   (the composer makes none); transparency is allowed in part 2 (the training mark).
 * Checked here (tests/integration/documents.test.ts) with poppler's pdfinfo and pdffonts and
 * a parse of the objects; veraPDF, the reference validator, needs Java and a download this
 * machine does not allow (docs/it-admin.md says how IT can run it).
 */

export interface PdfAMetadata {
  title: string;
  author: string;
  subject?: string;
  creator: string;
  producer: string;
  createdAt: Date;
  language: string;
  /** What makes this document this one (for the file ID): office, day, rows. */
  identity: string;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** XMP dates as the Info dictionary's (pdf-lib writes them in UTC, to the second). */
const xmpDate = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

function xmpPacket(meta: PdfAMetadata): string {
  const date = xmpDate(meta.createdAt);
  const description = meta.subject
    ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(meta.subject)}</rdf:li></rdf:Alt></dc:description>`
    : '';
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about=""',
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"',
    ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
    ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
    '<dc:format>application/pdf</dc:format>',
    `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(meta.title)}</rdf:li></rdf:Alt></dc:title>`,
    `<dc:creator><rdf:Seq><rdf:li>${xml(meta.author)}</rdf:li></rdf:Seq></dc:creator>`,
    description,
    `<dc:language><rdf:Bag><rdf:li>${xml(meta.language)}</rdf:li></rdf:Bag></dc:language>`,
    `<xmp:CreatorTool>${xml(meta.creator)}</xmp:CreatorTool>`,
    `<xmp:CreateDate>${date}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${date}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${date}</xmp:MetadataDate>`,
    `<pdf:Producer>${xml(meta.producer)}</pdf:Producer>`,
    '<pdfaid:part>2</pdfaid:part>',
    '<pdfaid:conformance>B</pdfaid:conformance>',
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Makes `doc` a PDF/A-2b document: XMP, the sRGB output intent, a file identifier. */
export function declarePdfA2b(doc: PDFDocument, meta: PdfAMetadata, srgbProfile: Uint8Array): void {
  const { context, catalog } = doc;
  // The metadata stream stays unfiltered (readers and validators read it as it is).
  const xmp = context.stream(new TextEncoder().encode(xmpPacket(meta)), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), context.register(xmp));
  const profile = context.flateStream(srgbProfile, { N: 3 });
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: context.register(profile),
  });
  catalog.set(PDFName.of('OutputIntents'), context.obj([intent]));
  // Same document, same identifier (rendered deterministically); another office, day or row, another one.
  const id = createHash('md5')
    .update(`${meta.title}\n${meta.createdAt.toISOString()}\n${meta.subject ?? ''}\n${meta.identity}`)
    .digest('hex');
  context.trailerInfo.ID = context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
}
