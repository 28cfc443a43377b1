import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParsedLine, parseNdjson } from '../../src/import';
import {
  EffectiveLog,
  effectiveLog,
  issuesView,
  phasesView,
  stateAsOf,
  statusView,
} from '../../src/projections';
import { createInMemoryEventStore } from '../../src/store';
import { endOfDateOrDateTime } from '../../src/domain';
import { manualClock, unwrap } from './builders';

export const REFERENCE_FILE = join(__dirname, '..', '..', 'events', 'gaza-ceasefire-2024.ndjson');
export const REFERENCE_ID = 'gaza-ceasefire-2024';

export const referenceLines = (): ParsedLine[] => unwrap(parseNdjson(readFileSync(REFERENCE_FILE, 'utf8')));

/** The reference story appended (in file order) to a fresh in-memory store, as its effective log. */
export const referenceLog = async (): Promise<EffectiveLog> => {
  const store = createInMemoryEventStore(manualClock('2025-02-01T00:00:00.000Z'));
  unwrap(
    await store.append({
      negotiationId: REFERENCE_ID,
      events: referenceLines().map((line) => ({ ...line.event, id: line.event.id ?? '' })),
      expectedRevision: { kind: 'no-stream' },
      recordedBy: 'test',
    })(),
  );
  return effectiveLog(unwrap(await store.readStream(REFERENCE_ID)()));
};

/** Status, issues and phases of the reference story as of a date. */
export const viewsAsOf = (log: EffectiveLog, asOf: string) => {
  const result = stateAsOf(log, { asOf });
  return {
    status: statusView(result, endOfDateOrDateTime(asOf)),
    issues: issuesView(result),
    phases: phasesView(result, endOfDateOrDateTime(asOf)),
  };
};
