import * as E from 'fp-ts/Either';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tracker, TrackerError } from '../application/tracker';
import { ANY_REVISION } from '../store';
import { LineError, chunkByNegotiation, parseNdjson } from './ndjson';

export type ImportError =
  | { readonly _tag: 'InvalidLines'; readonly file: string; readonly errors: readonly LineError[] }
  | {
      readonly _tag: 'AppendFailed';
      readonly file: string;
      readonly line: number;
      readonly error: TrackerError;
    };

export interface ImportSummary {
  readonly files: number;
  readonly events: number;
  readonly replayed: number;
}

export const IMPORT_CHUNK = 500;

/**
 * Imports NDJSON files through the tracker (same rules as the API). Event ids are fixed in the files, so
 * importing twice stores nothing twice.
 */
export const importNdjsonFiles = async (
  tracker: Tracker,
  files: readonly string[],
  recordedBy: string,
  onProgress: (done: number) => void = () => undefined,
): Promise<E.Either<ImportError, ImportSummary>> => {
  let events = 0;
  let replayed = 0;
  for (const file of files) {
    const parsed = parseNdjson(readFileSync(file, 'utf8'));
    if (E.isLeft(parsed)) return E.left({ _tag: 'InvalidLines', file, errors: parsed.left });
    for (const chunk of chunkByNegotiation(parsed.right, IMPORT_CHUNK)) {
      const result = await tracker.append({
        negotiationId: chunk.negotiationId,
        events: chunk.lines.map((l) => l.event),
        expectedRevision: ANY_REVISION,
        recordedBy,
      })();
      if (E.isLeft(result))
        return E.left({ _tag: 'AppendFailed', file, line: chunk.lines[0]?.line ?? 0, error: result.left });
      if (result.right.replayed) replayed += chunk.lines.length;
      else events += chunk.lines.length;
      onProgress(events + replayed);
    }
  }
  return E.right({ files: files.length, events, replayed });
};

/** The NDJSON files of a directory, in name order. */
export const ndjsonFilesIn = (directory: string): string[] =>
  readdirSync(directory)
    .filter((name) => name.endsWith('.ndjson'))
    .sort()
    .map((name) => join(directory, name));
