import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashRounds } from '../../scripts/reliability/crash-run';
import { serverMain } from '../../scripts/reliability/server-process';

const ROUNDS = Number(process.env['CRASH_ROUNDS'] ?? 3);
const SEED = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

const describeIfBuilt = existsSync(serverMain()) ? describe : describe.skip;
if (!existsSync(serverMain()))
  console.warn(`crash-recovery e2e skipped: ${serverMain()} missing; run "npm run build" (npm test does)`);

describeIfBuilt('SIGKILL at random moments during concurrent appends, on the real SQLite file', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    `keeps every acknowledged event once, no partial batch, an intact chain and views equal to a fresh replay (${ROUNDS} kills, seed ${SEED})`,
    async () => {
      const report = await runCrashRounds({
        dataDir,
        rounds: ROUNDS,
        seed: SEED,
        writers: 4,
        hostile: true,
        killWindowMs: [100, 600],
      });
      // Reproduce a failure with CRASH_SEED=<seed> (the workload's choices; the kill timing still varies).
      expect(report.problems).toEqual([]);
      expect(report.rounds).toBe(ROUNDS);
      expect(report.killsSurvived).toBe(ROUNDS);
      expect(report.eventsLost).toBe(0);
      expect(report.duplicates).toBe(0);
      expect(report.partialBatches).toBe(0);
      expect(report.splitBatches).toBe(0);
      expect(report.acknowledgementMismatches).toBe(0);
      expect(report.refusedButStored).toBe(0);
      expect(report.unaccountedEvents).toBe(0);
      expect(report.chainBreaks).toBe(0);
      expect(report.projectionMismatches).toBe(0);
      expect(report.serverErrors).toBe(0);
      // The run did what it claims: events were acknowledged, kills caught requests in flight, and the hostile
      // client and the If-Match writers were refused.
      expect(report.eventsAcknowledged).toBeGreaterThan(0);
      expect(report.eventsAppended).toBeGreaterThanOrEqual(report.eventsAcknowledged);
      expect(report.inDoubtBatches).toBeGreaterThan(0);
      expect(Object.keys(report.requestsRejected)).toEqual(
        expect.arrayContaining(['400', '401', '404', '412', '413', '415']),
      );
    },
    60_000 + ROUNDS * 15_000,
  );
});
