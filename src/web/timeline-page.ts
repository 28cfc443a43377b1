import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express from 'express';

/** Browser modules served from node_modules under fixed names, so the page never fetches from elsewhere. */
const VENDOR_MODULES: ReadonlyMap<string, string> = new Map([
  ['preact.mjs', require.resolve('preact')],
  ['preact-hooks.mjs', require.resolve('preact/hooks')],
  ['htm.mjs', join(dirname(require.resolve('htm')), 'htm.mjs')],
]);

const IMPORT_MAP = /<script type="importmap">([\s\S]*?)<\/script>/;

/**
 * The page's assets live in the source tree (no build step); the server runs from dist/src or src
 * depending on how it was started, so the project root is found by walking up to package.json.
 */
export const defaultStaticDir = (from: string = __dirname): string => {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'src', 'web', 'static');
  throw new Error(`no package.json above ${from}: cannot find the web page assets`);
};

/**
 * Only this server's own files may run; the inline import map is allowed by its hash, which is
 * computed here so editing the map cannot silently break the page.
 */
const contentSecurityPolicy = (html: string): string => {
  const importMap = IMPORT_MAP.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  return [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
};

/** Mounts the start page at `/`, each negotiation's page at `/timeline/{id}`, its assets at `/static/` and its libraries at `/vendor/`. */
export const timelinePage =
  (staticDir: string = defaultStaticDir()) =>
  (app: express.Express): void => {
    const html = readFileSync(join(staticDir, 'index.html'), 'utf8');
    const policy = contentSecurityPolicy(html);
    const page = (_req: express.Request, res: express.Response) => {
      res.set({ 'Content-Security-Policy': policy, 'Cache-Control': 'no-cache' }).type('html').send(html);
    };
    // The start page, and each negotiation's own address (the page reads which from the path).
    app.get('/', page);
    app.get('/timeline/:negotiationId', page);
    app.use('/static', express.static(staticDir, { index: false, fallthrough: true }));
    app.get('/vendor/:file', (req, res, next) => {
      const file = VENDOR_MODULES.get(req.params.file);
      if (file === undefined) return next();
      return res.type('text/javascript').sendFile(file);
    });
  };
