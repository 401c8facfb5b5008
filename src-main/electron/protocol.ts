import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Protocol } from 'electron';
import { rendererContentSecurityPolicy } from '../core/content-security-policy';
import { appHost, appScheme } from './constants';
import { printDocumentBytes } from './print-preview';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Must run before `app.ready`: the scheme behaves like https (standard, secure). `codeCache`:
 * V8 keeps the renderer's compiled scripts between launches, as Chromium does for https, so
 * a start after the first does not compile the initial chunks again (#20; Electron ≥ 28).
 */
export const appSchemePrivileges = {
  scheme: appScheme,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true, codeCache: true },
};

/**
 * Resolves a request URL to a file under the renderer folder, or null when it points
 * elsewhere (another host, or `..` escaping the folder).
 */
export function resolveRendererFile(rendererDirectory: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) return null;
  const pathname = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  const root = normalize(rendererDirectory + sep);
  const file = normalize(join(root, pathname));
  return file.startsWith(root) ? file : null;
}

export function serveRenderer(protocol: Protocol, rendererDirectory: string): void {
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    const printable = url.host === appHost ? printDocumentBytes(url.pathname) : null;
    if (printable) {
      return new Response(Buffer.from(printable.bytes), {
        headers: {
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="${printable.fileName}"`,
          'x-content-type-options': 'nosniff',
        },
      });
    }
    const file = resolveRendererFile(rendererDirectory, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': rendererContentSecurityPolicy,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
