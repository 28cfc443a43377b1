import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { FieldViolation, NewEvent, decodeNewEvent } from '../domain';

export interface ParsedLine {
  readonly line: number;
  readonly event: NewEvent & { readonly negotiationId: string };
}

export interface LineError {
  readonly line: number;
  readonly violations: readonly FieldViolation[];
}

/**
 * Parses NDJSON: one event per line, blank lines ignored. Every line is checked before anything is stored, so
 * an import with one bad line imports nothing and names the line and field.
 */
export const parseNdjson = (text: string): E.Either<LineError[], ParsedLine[]> =>
  parseLines(text, (json) =>
    pipe(
      decodeNewEvent(json),
      E.flatMap((event) =>
        event.negotiationId === undefined
          ? E.left([{ field: 'negotiationId', reason: 'is required in NDJSON imports' }])
          : E.right(event as ParsedLine['event']),
      ),
    ),
  );

/**
 * The lines of an NDJSON text (blank ones ignored), each parsed as JSON and decoded; every bad line is named,
 * with its number, and nothing is returned unless all of them decode.
 */
export const parseLines = <A>(
  text: string,
  decode: (json: unknown) => E.Either<readonly FieldViolation[], A>,
): E.Either<LineError[], Array<{ readonly line: number; readonly event: A }>> => {
  const errors: LineError[] = [];
  const events: Array<{ readonly line: number; readonly event: A }> = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      errors.push({
        line,
        violations: [{ field: '(line)', reason: `is not valid JSON: ${(error as Error).message}` }],
      });
      return;
    }
    const decoded = decode(json);
    if (E.isLeft(decoded)) errors.push({ line, violations: decoded.left });
    else events.push({ line, event: decoded.right });
  });
  return errors.length > 0 ? E.left(errors) : E.right(events);
};

/** Groups parsed events by negotiation, keeping file order, in chunks that one append can take. */
export const chunkByNegotiation = (
  lines: readonly ParsedLine[],
  chunkSize: number,
): Array<{ negotiationId: string; lines: ParsedLine[] }> => {
  const groups = new Map<string, ParsedLine[]>();
  for (const parsed of lines) {
    const group = groups.get(parsed.event.negotiationId) ?? [];
    group.push(parsed);
    groups.set(parsed.event.negotiationId, group);
  }
  const chunks: Array<{ negotiationId: string; lines: ParsedLine[] }> = [];
  for (const [negotiationId, group] of groups)
    for (let start = 0; start < group.length; start += chunkSize)
      chunks.push({ negotiationId, lines: group.slice(start, start + chunkSize) });
  return chunks;
};
