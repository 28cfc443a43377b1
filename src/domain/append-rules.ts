import * as E from 'fp-ts/Either';
import { EVENT_PAYLOADS, EventType, isCorrectionType } from './catalog';
import { LeanEvent, NewEvent, StoredEvent } from './events';
import { occurrenceInterval } from './time';
import { FieldViolation, toFieldViolations } from './validation-error';

/** What the rules need to know about an earlier event of the same stream. */
export interface KnownEvent {
  readonly type: EventType;
  readonly occurredAt: string;
  readonly precision: StoredEvent['precision'];
  readonly retracted: boolean;
}

/**
 * Summarises a whole stream's history for the append rules: each event by id, and whether it has been retracted.
 * The tracker keeps only the consulted ids (rememberConsulted); a property test holds the verdicts equal.
 */
export const knownEventsOf = (history: Iterable<StoredEvent | LeanEvent>): Map<string, KnownEvent> => {
  const known = new Map<string, KnownEvent>();
  for (const event of history) remember(known, event);
  return known;
};

/**
 * The ids the rules look up in the history for a batch: its own ids (a retry) and the targets of its corrections
 * and retractions. A history summarised for these alone judges the batch as the whole history would.
 */
export const idsConsulted = (batch: readonly (NewEvent & { id?: string })[]): ReadonlySet<string> =>
  new Set(
    batch.flatMap((event) => [
      ...(event.id === undefined ? [] : [event.id]),
      ...(event.type === 'EventCorrected' || event.type === 'EventRetracted'
        ? [event.payload.targetEventId]
        : []),
    ]),
  );

/**
 * Adds an earlier event to a summary kept for `consulted` ids only (see idsConsulted): memory stays flat however
 * long the history read through it.
 */
export const rememberConsulted = (
  known: Map<string, KnownEvent>,
  event: StoredEvent | LeanEvent,
  consulted: ReadonlySet<string>,
): void => {
  if (
    consulted.has(event.id) ||
    (event.type === 'EventRetracted' && consulted.has(event.payload.targetEventId))
  )
    remember(known, event);
};

const remember = (known: Map<string, KnownEvent>, event: (NewEvent & { id?: string }) | LeanEvent) => {
  if (event.id !== undefined)
    known.set(event.id, {
      type: event.type,
      occurredAt: event.occurredAt,
      precision: event.precision,
      retracted: false,
    });
  if (event.type === 'EventRetracted') {
    const target = known.get(event.payload.targetEventId);
    if (target) known.set(event.payload.targetEventId, { ...target, retracted: true });
  }
};

/**
 * The rules an append must satisfy beyond the shape of each event: ids unique within the batch, and corrections
 * and retractions aimed at an existing, unretracted development of the same negotiation whose corrected fields
 * still make a valid event. Pure: the caller supplies the history.
 */
export const checkAppend = (
  history: ReadonlyMap<string, KnownEvent>,
  batch: readonly (NewEvent & { id?: string })[],
): E.Either<FieldViolation[], void> => {
  const known = new Map(history);
  const violations: FieldViolation[] = [];
  const seenIds = new Set<string>();
  batch.forEach((event, index) => {
    const at = (field: string) => `events.${index}.${field}`;
    if (event.id !== undefined) {
      if (seenIds.has(event.id)) violations.push({ field: at('id'), reason: 'appears twice in this batch' });
      seenIds.add(event.id);
      // Already recorded: a retry. The store answers it (the original result, or a conflict if it differs); the
      // rules judged it when it was first appended, and the log has moved on since (its own retraction, say).
      if (history.has(event.id)) return;
    }
    if (event.type === 'EventCorrected' || event.type === 'EventRetracted') {
      const targetId = event.payload.targetEventId;
      const target = known.get(targetId);
      const field = at('payload.targetEventId');
      if (target === undefined)
        violations.push({ field, reason: `no event ${targetId} in this negotiation` });
      else if (isCorrectionType(target.type))
        violations.push({
          field,
          reason: 'targets a correction or retraction; correct the original event instead',
        });
      else if (target.retracted) violations.push({ field, reason: `event ${targetId} has been retracted` });
      else if (event.type === 'EventCorrected')
        violations.push(...checkCorrection(target, event.payload.corrections, at));
    }
    remember(known, event);
  });
  return violations.length > 0 ? E.left(violations) : E.right(undefined);
};

const checkCorrection = (
  target: KnownEvent,
  corrections: Extract<NewEvent, { type: 'EventCorrected' }>['payload']['corrections'],
  at: (field: string) => string,
): FieldViolation[] => {
  const field = (name: string) => at(`payload.corrections.${name}`);
  if (Object.keys(corrections).length === 0)
    return [{ field: field('(any)'), reason: 'must correct at least one field' }];
  const violations: FieldViolation[] = [];
  if (corrections.occurredAt !== undefined || corrections.precision !== undefined) {
    const interval = occurrenceInterval(
      corrections.occurredAt ?? target.occurredAt,
      corrections.precision ?? target.precision,
    );
    if (typeof interval === 'string') violations.push({ field: field('occurredAt'), reason: interval });
  }
  if (corrections.payload !== undefined) {
    const decoded = EVENT_PAYLOADS[target.type].decode(corrections.payload);
    if (E.isLeft(decoded)) violations.push(...toFieldViolations(decoded.left, field('payload')));
  }
  return violations;
};
