import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestBrowserHost } from '../tests/fixtures/browser-host';
import { compareMicros, median, type BenchCase } from './harness';

/**
 * RPC round trip through the browser host (token check, Origin/Host checks, zod
 * validation, dispatch) vs a bare node:http echo server, over the same keep-alive
 * fetch client, in the same run.
 */
export const rpcRoundTrip: BenchCase = {
  name: 'rpc-round-trip',
  async run() {
    const env = await startTestBrowserHost();
    const token = env.host.issueSessionToken();
    const echo = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`;
    try {
      const body = '{}';
      const samples = await compareMicros(
        async () => {
          const response = await fetch(`${env.host.origin}/rpc/app.info`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          });
          const result = (await response.json()) as { ok: boolean };
          if (!result.ok) throw new Error('rpc failed');
        },
        async () => {
          const response = await fetch(echoUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await response.json();
        },
        10,
        200,
      );
      const subject = median(samples.subject);
      const baseline = median(samples.baseline);
      return [
        {
          case: 'RPC round trip (browser host, app.info)',
          metric: 'median',
          unit: 'µs',
          value: subject,
          baseline: { label: 'bare node:http echo', value: baseline },
          ratio: subject / baseline,
          notes: `${samples.subject.length} calls each, interleaved`,
        },
      ];
    } finally {
      echo.close();
      await env.cleanup();
    }
  },
};
