import { runFloorBreakdown } from './ingest';

/** `node floor-breakdown-child.js <workDir> <events>`: prints {"parts": [...]} or {"error": ...}. */
const [workDir, total] = process.argv.slice(2);
try {
  console.log(
    JSON.stringify({
      parts: runFloorBreakdown(workDir ?? '/tmp/bench-floor-parts', Number(total ?? 20_000)),
    }),
  );
} catch (error) {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
}
