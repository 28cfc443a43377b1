import { chmodSync, copyFileSync, cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * What tsc does not emit but the built program reads: the command line's execute bit, the views' schemas and the
 * web page's assets, so that `dist` with `node_modules` and `events` is all a deployment needs.
 */
const root = resolve(__dirname, '..', '..');
const dist = join(root, 'dist');

chmodSync(join(dist, 'src', 'cli', 'main.js'), 0o755);
copyFileSync(join(root, 'src', 'api', 'view-schemas.json'), join(dist, 'src', 'api', 'view-schemas.json'));
// Replaced whole, so an asset removed from the sources is not served from an old build.
rmSync(join(dist, 'src', 'web', 'static'), { recursive: true, force: true });
cpSync(join(root, 'src', 'web', 'static'), join(dist, 'src', 'web', 'static'), { recursive: true });
