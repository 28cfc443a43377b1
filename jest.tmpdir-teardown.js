// A test that leaves files in the temp dir fails the run, naming them; the folder itself is removed either way.
const { readdirSync, rmSync } = require('node:fs');

module.exports = async () => {
  const { folder, previous } = globalThis.__testTmpdir;
  const left = readdirSync(folder);
  rmSync(folder, { recursive: true, force: true });
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  if (left.length > 0)
    throw new Error(`tests left ${left.length} entries in the temp dir (each test removes what it makes): ${left.join(', ')}`);
};
