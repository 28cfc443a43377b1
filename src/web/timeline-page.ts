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
 * The page's assets sit beside this module: in src/web/static when run from the sources, and in dist/src/web/static
 * (copied there by the build) when run from the build, so a deployment needs nothing from src.
 */
export const defaultStaticDir = (from: string = __dirname): string => {
  const dir = join(from, 'static');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`no web page assets in ${dir}: run "npm run build"`);
  return dir;
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

export interface TimelinePageOptions {
  readonly staticDir?: string;
  /** Whether anything was recorded of a negotiation: the page of one that was not is sent with status 404. */
  readonly knows?: (negotiationId: string) => Promise<boolean>;
}

/** Mounts the start page at `/`, each negotiation's page at `/timeline/{id}`, its assets at `/static/` and its libraries at `/vendor/`. */
export const timelinePage =
  ({ staticDir = defaultStaticDir(), knows }: TimelinePageOptions = {}) =>
  (app: express.Express): void => {
    const html = readFileSync(join(staticDir, 'index.html'), 'utf8');
    const policy = contentSecurityPolicy(html);
    const page = (_req: express.Request, res: express.Response) => {
      res.set({ 'Content-Security-Policy': policy, 'Cache-Control': 'no-cache' }).type('html').send(html);
    };
    // The start page, and each negotiation's own address (the page reads which from the path).
    app.get('/', page);
    // The page itself says that nothing is recorded of the negotiation; the status says it to everything else.
    app.get('/timeline/:negotiationId', async (req, res) => {
      if (knows !== undefined && !(await knows(req.params.negotiationId))) res.status(404);
      page(req, res);
    });
    app.use('/static', express.static(staticDir, { index: false, fallthrough: true }));
    app.get('/vendor/:file', (req, res, next) => {
      const file = VENDOR_MODULES.get(req.params.file);
      if (file === undefined) return next();
      return res.type('text/javascript').sendFile(file);
    });
  };
