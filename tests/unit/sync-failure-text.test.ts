import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src-main/core/sync/problems';

/** What the desk says when a sync call fails (Italian, shown in the sync badge and diagnostics). */
describe('sync failures in words', () => {
  it('a pull deferred by the service (503 unavailable: outcomes first) is said as a wait, not an error', () => {
    expect(describeFailure({ kind: 'http', status: 503, code: 'unavailable', retryAfterMs: 5000 })).toBe(
      'Servizio centrale occupato a ricevere esiti: l’elenco delle richieste si aggiorna tra poco.',
    );
    // Any other failure of the service stays an error, with its status.
    expect(describeFailure({ kind: 'http', status: 503, code: 'http-503', retryAfterMs: null })).toBe(
      'Errore temporaneo del servizio centrale (HTTP 503).',
    );
    expect(describeFailure({ kind: 'http', status: 500, code: 'http-500', retryAfterMs: null })).toBe(
      'Errore temporaneo del servizio centrale (HTTP 500).',
    );
  });
});
