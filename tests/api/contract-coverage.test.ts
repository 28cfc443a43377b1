import { mkdtempSync, rmSync } from 'node:fs';
import request from 'supertest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime, compose } from '../../src/composition';
import { loadConfig } from '../../src/config';
import { CONTRACT } from '../support/contract';
import { reported, unwrap } from '../support/builders';

/**
 * Every route the served app answers is in the published document: the routes are read from the composed app
 * itself (as `npm start` builds it), so a route added without its contract fails here.
 */

interface Layer {
  readonly method?: string;
  readonly handle?: unknown;
  readonly route?: { readonly path: string; readonly stack: readonly Layer[] };
}

/**
 * Each method and path the app routes (sub-routers are mounted at the root). A handler registered for every
 * method (`all`, which answers 405) is not a route of its own: it is seen as the same function under many methods.
 */
const routesOf = (stack: readonly Layer[]): string[] =>
  stack.flatMap((layer) => {
    if (layer.route !== undefined) {
      // Parameters compared by place, not name (the document may call :slug problemType).
      const path = layer.route.path.replace(/:\w+/g, '{}');
      const layers = layer.route.stack;
      const perMethod = layers.filter(
        (inner) =>
          inner.method !== undefined && layers.filter((other) => other.handle === inner.handle).length < 3,
      );
      return [...new Set(perMethod.map((inner) => `${inner.method} ${path}`))];
    }
    const inner = (layer.handle as { stack?: readonly Layer[] } | undefined)?.stack;
    return inner === undefined ? [] : routesOf(inner);
  });

const documentedRoutes = (): string[] =>
  Object.entries(CONTRACT.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method} ${path.replace(/\{\w+\}/g, '{}')}`),
  );

describe('the contract covers the served app', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-contract-'));
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await compose(
      unwrap(
        loadConfig(
          { DATA_DIR: dataDir, IMPORT_REFERENCE_STORY: 'false', LOG_LEVEL: 'silent' },
          join(__dirname, '..', '..'),
        ),
      ),
    );
  });
  afterAll(async () => {
    await runtime.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const served = () => routesOf((runtime.app as unknown as { router: { stack: Layer[] } }).router.stack);

  it('documents every method and path the app routes', () => {
    const routes = served();
    // The walk itself must see the routes, or the check below would pass on nothing.
    expect(routes).toEqual(
      expect.arrayContaining(['get /negotiations/{}/stream', 'post /negotiations/{}/events', 'get /health']),
    );
    expect(routes).not.toContain('delete /health');
    const documented = documentedRoutes();
    expect(routes.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('routes every documented operation (the document names nothing the app lacks)', () => {
    const routes = new Set(served());
    // The page's assets are served by express.static, which is middleware, not a route.
    expect(documentedRoutes().filter((route) => !routes.has(route))).toEqual(['get /static/{}']);
  });

  it('answers 404 on the page and the stream of a negotiation nothing is recorded of, 200 once something is', async () => {
    const page = await request(runtime.app).get('/timeline/nothing-here');
    expect(page.status).toBe(404);
    expect(page.type).toBe('text/html');
    expect((await request(runtime.app).get('/negotiations/nothing-here/stream')).status).toBe(404);
    await runtime.tracker.append({
      negotiationId: 'something-here',
      events: [reported('TalksResumed', { venue: 'Doha' })],
      expectedRevision: { kind: 'any' },
      recordedBy: 'test',
    })();
    expect((await request(runtime.app).get('/timeline/something-here')).status).toBe(200);
  });
});
