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

/** The lines of a story file in events/. */
export const storyLines = (file: string): ParsedLine[] =>
  unwrap(parseNdjson(readFileSync(join(__dirname, '..', '..', 'events', file), 'utf8')));

/** A story appended (in file order) to a fresh in-memory store, as its effective log. */
export const storyLog = async (
  file: string,
  negotiationId: string,
  now = '2026-01-01T00:00:00.000Z',
): Promise<EffectiveLog> => {
  const store = createInMemoryEventStore(manualClock(now));
  unwrap(
    await store.append({
      negotiationId,
      events: storyLines(file).map((line) => ({ ...line.event, id: line.event.id ?? '' })),
      expectedRevision: { kind: 'no-stream' },
      recordedBy: 'test',
    })(),
  );
  return effectiveLog(unwrap(await store.readStream(negotiationId)()));
};

export const referenceLines = (): ParsedLine[] => storyLines('gaza-ceasefire-2024.ndjson');

/** The reference story appended (in file order) to a fresh in-memory store, as its effective log. */
export const referenceLog = (): Promise<EffectiveLog> =>
  storyLog('gaza-ceasefire-2024.ndjson', REFERENCE_ID, '2025-02-01T00:00:00.000Z');

/** Status, issues and phases of the reference story as of a date. */
export const viewsAsOf = (log: EffectiveLog, asOf: string) => {
  const result = stateAsOf(log, { asOf });
  return {
    status: statusView(result, endOfDateOrDateTime(asOf)),
    issues: issuesView(result),
    phases: phasesView(result, endOfDateOrDateTime(asOf)),
  };
};
