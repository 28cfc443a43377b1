// Every test's temporary files go in one folder of their own, which the teardown checks is left empty.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  const folder = mkdtempSync(join(tmpdir(), 'negotiation-tracker-tests-'));
  globalThis.__testTmpdir = { folder, previous: process.env.TMPDIR };
  // Read by os.tmpdir() in the test workers and the servers they start, which inherit this environment.
  process.env.TMPDIR = folder;
};
