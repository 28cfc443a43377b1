import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/**
 * The emmett-sqlite baseline lives in bench/baseline, its own install (`npm run bench:setup`), so that the
 * tracker's install never compiles node-sqlite3 for a comparison only the benchmark makes.
 */
const BASELINE_DIR = resolve(__dirname, '..', '..', '..', 'bench', 'baseline');

export const BASELINE_SETUP_HINT = 'run "npm run bench:setup" once to install it into bench/baseline';

/** The emmett-sqlite module from the bench's own install, or why it cannot be loaded. */
export const loadEmmettSqlite = <Module>(): { module: Module } | { missing: string } => {
  const manifest = join(BASELINE_DIR, 'package.json');
  if (!existsSync(join(BASELINE_DIR, 'node_modules')))
    return { missing: `emmett-sqlite baseline not installed: ${BASELINE_SETUP_HINT}` };
  try {
    return { module: createRequire(manifest)('@event-driven-io/emmett-sqlite') as Module };
  } catch (error) {
    return {
      missing: `emmett-sqlite baseline unavailable (${(error as Error).message}): ${BASELINE_SETUP_HINT}`,
    };
  }
};
