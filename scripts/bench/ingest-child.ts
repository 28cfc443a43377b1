import { IdSource, IngestContender, runIngestContender } from './ingest';

/** `node ingest-child.js <floor|store|emmett> <workDir> <events> <sent|minted>`: prints {"perSecond": n} or {"error": ...}. */
const [contender, workDir, total, ids] = process.argv.slice(2);
runIngestContender(
  contender as IngestContender,
  workDir ?? '/tmp/bench-ingest',
  Number(total ?? 20_000),
  (ids ?? 'sent') as IdSource,
).then(
  (perSecond) => console.log(JSON.stringify({ perSecond: perSecond ?? null })),
  (error: unknown) =>
    console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
);
