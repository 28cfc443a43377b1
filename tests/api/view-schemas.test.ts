import { readFileSync } from 'node:fs';
import { VIEW_SCHEMAS_FILE, generateViewSchemas } from '../../scripts/view-schemas';

describe('the views\u2019 published schemas', () => {
  it('are what a fresh generation from the view types gives (npm run schemas:generate)', () => {
    const committed = JSON.parse(readFileSync(VIEW_SCHEMAS_FILE, 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(generateViewSchemas())));
  }, 120_000);

  it('leave no view an open object: every object names its properties or the type of its values', () => {
    const open: string[] = [];
    const visit = (schema: unknown, path: string) => {
      if (typeof schema !== 'object' || schema === null) return;
      const record = schema as Record<string, unknown>;
      if (record['type'] === 'object' && record['additionalProperties'] === undefined) open.push(path);
      for (const [key, value] of Object.entries(record)) visit(value, `${path}/${key}`);
    };
    visit(JSON.parse(readFileSync(VIEW_SCHEMAS_FILE, 'utf8')), '');
    expect(open).toEqual([]);
  });
});
