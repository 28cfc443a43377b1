import { Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openApiDocument } from './openapi';
import { notFoundProblem, sendProblem } from './problem';
import { PROBLEM_TYPES, ProblemSlug, problemType } from './problem-types';
import { JSON_ONLY, methodNotAllowed, produces } from './route-support';

/** The API's own description: the OpenAPI document, a reference page for it, and a page per problem type. */

/** The version in the package's manifest, found from wherever this file runs (sources or the build). */
export const packageVersion = (): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
};

const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

/** Same origin only; Swagger UI sets style attributes, hence inline styles (never inline scripts). */
const DOCS_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Negotiation tracker API</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

// No validator badge: it would send the document to a third-party service.
const DOCS_START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n`;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The problem texts use `backticks` for literal names. */
const htmlOf = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const problemPage = (slug: ProblemSlug): string => {
  const info = PROBLEM_TYPES[slug];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title></head>
<body>
<h1>${escapeHtml(info.title)}</h1>
<p>Problem type <code>${problemType(slug)}</code>, sent with HTTP status ${info.statuses.join(' or ')}.</p>
<h2>What it means</h2>
<p>${htmlOf(info.meaning)}</p>
<h2>What to do</h2>
<p>${htmlOf(info.whatToDo)}</p>
<p>The problem document's <code>errors</code> name each field and the reason. See <a href="/docs">the API reference</a>.</p>
</body>
</html>
`;
};

const problemText = (slug: ProblemSlug): string => {
  const info = PROBLEM_TYPES[slug];
  return `${info.title} (${problemType(slug)}, HTTP ${info.statuses.join(' or ')})\n\nWhat it means: ${info.meaning}\n\nWhat to do: ${info.whatToDo}\n`;
};

const isProblemSlug = (slug: string): slug is ProblemSlug =>
  Object.prototype.hasOwnProperty.call(PROBLEM_TYPES, slug);

export const referenceRoutes = (version = packageVersion()): Router => {
  const router = Router();
  const document = JSON.stringify(openApiDocument({ version }));

  router.get('/openapi.json', produces(JSON_ONLY), (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/json').send(document);
  });
  router.all('/openapi.json', methodNotAllowed('GET'));

  router.get('/docs', (_req, res) => {
    res
      .set({ 'Content-Security-Policy': DOCS_POLICY, 'Cache-Control': 'no-cache' })
      .type('html')
      .send(DOCS_PAGE);
  });
  router.get('/docs/start.js', (_req, res) => {
    res.type('text/javascript').send(DOCS_START);
  });
  router.get('/docs/assets/:file', (req, res, next) => {
    const file = req.params.file;
    if (!SWAGGER_UI_FILES.has(file)) return next();
    return res.sendFile(join(SWAGGER_UI_DIR, file), { maxAge: '1h' });
  });

  router.get('/problems/:slug', (req, res) => {
    const slug = req.params.slug;
    if (!isProblemSlug(slug))
      return sendProblem(
        res,
        notFoundProblem(
          `No problem type "${slug}"; the document at /openapi.json lists them.`,
          'problemType',
        ),
      );
    const info = PROBLEM_TYPES[slug];
    return res.format({
      'text/html': () => res.send(problemPage(slug)),
      'text/plain': () => res.send(problemText(slug)),
      'application/json': () => res.json({ type: problemType(slug), ...info }),
      default: () =>
        sendProblem(res, {
          type: problemType('not-acceptable'),
          title: 'Not acceptable',
          status: 406,
          detail: 'This page is available as text/html, text/plain or application/json.',
          errors: [{ field: 'Accept', reason: 'must accept text/html, text/plain or application/json' }],
        }),
    });
  });
  router.all('/problems/:slug', methodNotAllowed('GET'));
  return router;
};
