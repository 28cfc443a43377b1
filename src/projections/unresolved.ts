import { FieldViolation, NewEvent, Reference, occurredInterval, referencesOf } from '../domain';
import { toArray } from './chain';
import { Development, Evidence, entry } from './evidence';
import { NegotiationState, createStateBuilder } from './negotiation-state';

/**
 * The development that defines a referenced thing, if the state knows of one: the one answer to "is it defined",
 * for append warnings and for the views' unresolved references alike.
 */
export const definitionOf = (
  state: NegotiationState,
  ref: Pick<Reference, 'kind' | 'id'>,
): Evidence | undefined => {
  switch (ref.kind) {
    case 'proposal': {
      const p = entry(state.proposals.proposals, ref.id);
      return p?.tabled ?? p?.announced;
    }
    case 'issue':
      return entry(state.issues, ref.id)?.raised;
    case 'phase':
      return entry(state.phases.definitions, ref.id)?.firstDefinedBy;
    case 'agreement':
      return entry(state.agreements.agreements, ref.id)?.reached;
    case 'deadline':
      return entry(state.deadlines, ref.id)?.set;
    case 'ceasefire': {
      const c = entry(state.ground.ceasefires, ref.id);
      return c === undefined || c.declarations === 0 ? undefined : (c.firstDeclared ?? c.declared);
    }
    case 'commitment':
      return entry(state.conditions.commitments, ref.id)?.made;
    case 'meeting':
      return toArray(state.talks.scheduled).find((talks) => talks.meetingId === ref.id)?.evidence;
    default: {
      const exhaustive: never = ref.kind;
      return exhaustive;
    }
  }
};

const startOf = (e: { occurredAt: string; precision: NewEvent['precision'] }) => occurredInterval(e).startMs;

/**
 * The references of new developments that nothing defines as of their own date: not in the log (`known`, the
 * current state) nor earlier in the batch. Such a report is accepted (it may be a late report of an earlier
 * development) with a warning naming the field, or refused in strict mode.
 */
export const unresolvedInBatch = (
  known: NegotiationState,
  batch: ReadonlyArray<NewEvent & { readonly id: string }>,
  prefix = 'events',
): FieldViolation[] => {
  const developments = batch.filter(
    (e): e is Extract<typeof e, Development> => e.type !== 'EventCorrected' && e.type !== 'EventRetracted',
  );
  const builder = createStateBuilder();
  for (const event of developments) builder.add(event);
  const batchState = builder.finish();
  const warnings: FieldViolation[] = [];
  batch.forEach((event, index) => {
    const endMs = occurredInterval(event).endMs;
    for (const ref of referencesOf(event)) {
      const definitions = [definitionOf(known, ref), definitionOf(batchState, ref)];
      if (definitions.some((d) => d !== undefined && startOf(d) < endMs)) continue;
      const later = definitions.find((d) => d !== undefined);
      warnings.push({
        field: `${prefix}.${index}.${ref.field}`,
        reason:
          later === undefined
            ? `names ${ref.kind} "${ref.id}", which no development defines`
            : `names ${ref.kind} "${ref.id}", which is defined only later (${later.occurredAt})`,
      });
    }
  });
  return warnings;
};
