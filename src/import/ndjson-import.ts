import * as E from 'fp-ts/Either';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tracker, TrackerError } from '../application/tracker';
import { ANY_REVISION } from '../store';
import { LineError, ParsedLine, chunkByNegotiation, parseNdjson } from './ndjson';

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

/** One file's events, checked and ready to append. */
export interface ParsedFile {
  readonly file: string;
  readonly lines: readonly ParsedLine[];
}

export const IMPORT_CHUNK = 500;

/** Reads and checks every line of every file before anything is stored; the first file with bad lines is named. */
export const readNdjsonFiles = (
  files: readonly string[],
): E.Either<Extract<ImportError, { _tag: 'InvalidLines' }>, ParsedFile[]> => {
  const parsedFiles: ParsedFile[] = [];
  for (const file of files) {
    const parsed = parseNdjson(readFileSync(file, 'utf8'));
    if (E.isLeft(parsed)) return E.left({ _tag: 'InvalidLines', file, errors: parsed.left });
    parsedFiles.push({ file, lines: parsed.right });
  }
  return E.right(parsedFiles);
};

/**
 * Appends checked files through the tracker (same rules as the API). Event ids are fixed in the files, so
 * importing twice stores nothing twice. Progress counts events against the total of all files.
 */
export const appendParsedFiles = async (
  tracker: Tracker,
  parsedFiles: readonly ParsedFile[],
  recordedBy: string,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<E.Either<ImportError, ImportSummary>> => {
  const total = parsedFiles.reduce((sum, { lines }) => sum + lines.length, 0);
  let events = 0;
  let replayed = 0;
  onProgress(0, total);
  for (const { file, lines } of parsedFiles) {
    for (const chunk of chunkByNegotiation(lines, IMPORT_CHUNK)) {
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
      onProgress(events + replayed, total);
    }
  }
  return E.right({ files: parsedFiles.length, events, replayed });
};

/** Checks every line of every file, then appends them: a bad line anywhere imports nothing. */
export const importNdjsonFiles = async (
  tracker: Tracker,
  files: readonly string[],
  recordedBy: string,
  onProgress?: (done: number, total: number) => void,
): Promise<E.Either<ImportError, ImportSummary>> => {
  const parsed = readNdjsonFiles(files);
  return E.isLeft(parsed) ? parsed : appendParsedFiles(tracker, parsed.right, recordedBy, onProgress);
};

/** The NDJSON files of a directory, in name order. */
export const ndjsonFilesIn = (directory: string): string[] =>
  readdirSync(directory)
    .filter((name) => name.endsWith('.ndjson'))
    .sort()
    .map((name) => join(directory, name));
