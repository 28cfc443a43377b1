import { writeFileSync } from 'node:fs';
import { VIEW_SCHEMAS_FILE, generateViewSchemas } from './view-schemas';

/** Writes the views' JSON Schemas, generated from their types, where the OpenAPI document reads them. */
writeFileSync(VIEW_SCHEMAS_FILE, `${JSON.stringify(generateViewSchemas(), null, 2)}\n`);
console.log(`wrote ${VIEW_SCHEMAS_FILE}`);
