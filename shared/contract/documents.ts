import { z } from 'zod';
import { declaredDocumentSchema, delegateSchema } from './central-api';

/** Printed documents: what the renderer may ask for, and what it gets back. */

export const documentRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('modulo-adesione'),
    requestId: z.string().min(1).max(64),
    /** Who comes to the desk: with a delegate the applicant signs before, not in front of the operator. */
    presenter: z.enum(['applicant', 'delegate']).optional(),
  }),
  z.strictObject({
    kind: z.literal('modulo-delega'),
    requestId: z.string().min(1).max(64),
    delegate: delegateSchema.extend({ document: declaredDocumentSchema }),
  }),
  z.strictObject({ kind: z.literal('receipt'), identificationId: z.uuid() }),
  /** The register of a day, or of the days from `date` to `to` (at most a year). */
  z.strictObject({ kind: z.literal('daily-register'), date: z.iso.date(), to: z.iso.date().optional() }),
  /** Training mode only: the specimens of a practice case (document with MRZ, tessera sanitaria with its barcode). */
  z.strictObject({ kind: z.literal('training-kit'), requestId: z.string().min(1).max(64) }),
  /** The informativa on personal data (art. 13 GDPR) to hand to the applicant. */
  z.strictObject({
    kind: z.literal('informativa-privacy'),
    /** The request it is handed over for, when printed in the wizard (the audit trail says so). */
    requestId: z.string().min(1).max(64).optional(),
  }),
]);
export type DocumentRequest = z.infer<typeof documentRequestSchema>;

export const renderedDocumentSchema = z.object({
  title: z.string(),
  fileName: z.string(),
  mimeType: z.literal('application/pdf'),
  /** The PDF, base64. */
  base64: z.string(),
});
export type RenderedDocumentDto = z.infer<typeof renderedDocumentSchema>;

export const printResultSchema = z.object({
  /** `preview`: a print preview window opened (Electron); `download`: the renderer shows the PDF itself (browser). */
  mode: z.enum(['preview', 'download']),
  document: renderedDocumentSchema,
});
export type PrintResult = z.infer<typeof printResultSchema>;
