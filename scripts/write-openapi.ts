import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/api/openapi';
import { packageVersion } from '../src/api/reference-routes';

/** Writes the OpenAPI document the server serves at /openapi.json to a file (the typed client is built from it). */
const [target] = process.argv.slice(2);
if (target === undefined) {
  console.error('usage: node dist/scripts/write-openapi.js <file>');
  process.exit(2);
}
writeFileSync(target, `${JSON.stringify(openApiDocument({ version: packageVersion() }), null, 2)}\n`);
