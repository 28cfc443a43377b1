import { IngestContender, runIngestContender } from './ingest';

/**
 * `node ingest-child.js <floor|store|emmett> <workDir> <events> <sent|minted>`: prints {"perSecond": n} or
 * {"error": ...}.
 */
const [contender, workDir, total, ids = 'sent'] = process.argv.slice(2);
if (ids !== 'sent' && ids !== 'minted') {
  console.log(JSON.stringify({ error: `ids must be sent or minted, not ${ids}` }));
  process.exit(2);
}
runIngestContender(
  contender as IngestContender,
  workDir ?? '/tmp/bench-ingest',
  Number(total ?? 20_000),
  ids,
).then(
  (perSecond) => console.log(JSON.stringify({ perSecond: perSecond ?? null })),
  (error: unknown) =>
    console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
);
