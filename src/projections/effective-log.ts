import {
  CorrectedFields,
  Interval,
  LeanEvent,
  StoredEvent,
  endOfDateOrDateTime,
  isCorrectionType,
  occurredInterval,
  parseInstant,
  sameIntervalKey,
} from '../domain';
import {
  DevelopmentType,
  NegotiationState,
  createStateBuilder,
  evolve,
  initialState,
} from './negotiation-state';

/** A correction or retraction that changed what the log says about a development. */
export interface Amendment {
  readonly eventId: string;
  readonly kind: 'correction' | 'retraction';
  readonly reason: string;
  readonly recordedAt: string;
  readonly fields?: readonly string[];
}

/** The developments among recorded events of kind R (full stored events, or lean ones). */
export type DevelopmentOf<R extends LeanEvent> = Extract<R, { type: DevelopmentType }>;

/** A development as the log currently tells it: corrections applied, with where it sits in time. */
export interface EffectiveDevelopment<R extends LeanEvent = LeanEvent> {
  readonly event: DevelopmentOf<R>;
  readonly interval: Interval;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly revision: number;
  readonly amendments: readonly Amendment[];
}

export interface RetractedDevelopment<R extends LeanEvent = LeanEvent> {
  readonly event: DevelopmentOf<R>;
  readonly retraction: Amendment;
}

const DAY_MS = 86_400_000;

/** Developments folded between two checkpoints: a query folds at most this many events. */
export const CHECKPOINT_INTERVAL = 16;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders developments by when they occurred. Every key comes from the event's own content, so the order (and
 * every fold over it) does not depend on the order in which reports were appended.
 */
export const compareDevelopments = (
  a: EffectiveDevelopment<LeanEvent>,
  b: EffectiveDevelopment<LeanEvent>,
): number =>
  a.interval.startMs - b.interval.startMs ||
  a.interval.endMs - b.interval.endMs ||
  compareText(sameIntervalKey(a.event), sameIntervalKey(b.event)) ||
  compareText(a.event.id, b.event.id);

const NO_AMENDMENTS: readonly Amendment[] = Object.freeze([]);

/**
 * Spans indexed for uncertainty, in classes (a week's range, a month, two months): a query looks back in each
 * class only as far as that class's longest span. Longer spans are rare and looked at every time.
 */
const SPAN_CLASSES = [8 * DAY_MS, 31 * DAY_MS, 62 * DAY_MS] as const;
const SPANNING_LIMIT = 62 * DAY_MS;
const spanClass = (span: number): number => SPAN_CLASSES.findIndex((limit) => span <= limit);

const positionIn = (
  list: ReadonlyArray<EffectiveDevelopment<LeanEvent>>,
  development: EffectiveDevelopment<LeanEvent>,
): number => {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const current = list[middle];
    if (current !== undefined && compareDevelopments(current, development) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
};

/**
 * Developments in occurrence order, with their interval bounds alongside in plain number arrays: a scan by date
 * reads packed numbers and visits only the developments it keeps, which matters once a history no longer fits
 * in the processor's caches.
 */
class OccurrenceList<D extends EffectiveDevelopment<LeanEvent>> {
  readonly items: D[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  /** Inserts in occurrence order; returns the index. */
  insert(development: D): number {
    const index = positionIn(this.items, development);
    this.items.splice(index, 0, development);
    this.starts.splice(index, 0, development.interval.startMs);
    this.ends.splice(index, 0, development.interval.endMs);
    return index;
  }

  /** Removes; returns the index it had. */
  remove(development: D): number {
    const index = positionIn(this.items, development);
    if (this.items[index] !== development)
      throw new Error(`invariant: ${development.event.id} is not where its key says`);
    this.items.splice(index, 1);
    this.starts.splice(index, 1);
    this.ends.splice(index, 1);
    return index;
  }

  /** How many items had started by `untilMs`. */
  startedBy(untilMs: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((starts[middle] ?? 0) <= untilMs) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

const applyCorrection = <R extends LeanEvent>(
  event: DevelopmentOf<R>,
  corrections: CorrectedFields,
): DevelopmentOf<R> => ({ ...event, ...corrections, payload: corrections.payload ?? event.payload });

/**
 * What the log says: the developments recorded so far with corrections applied and retractions set aside, kept
 * in occurrence order, with checkpoints of the fold every CHECKPOINT_INTERVAL developments. Events are recorded
 * one at a time in recorded order, so the log follows a live stream; a late report that lands in the past drops
 * the checkpoints after it, which are rebuilt on the next query. The checkpoints are a cache: the answers are
 * always those of a plain fold (a property test holds the two equal).
 */
export class EffectiveLog<R extends LeanEvent = LeanEvent> {
  private readonly sorted = new OccurrenceList<EffectiveDevelopment<R>>();
  private readonly byId = new Map<string, EffectiveDevelopment<R>>();
  /**
   * Developments spanning more than a day (the only ones that can be uncertain at a bare date), in occurrence
   * order per span class, so a query looks only at those that started within their class's span before it; the
   * rarer longer ones are looked at every time. What a query looks at depends on the reporting rate, not on how
   * long the history is.
   */
  private readonly spanning = SPAN_CLASSES.map(() => new OccurrenceList<EffectiveDevelopment<R>>());
  private readonly veryWide = new Set<EffectiveDevelopment<R>>();
  private readonly retractedList: Array<RetractedDevelopment<R>> = [];
  /** checkpoints[i] is the state after folding the first (i + 1) * CHECKPOINT_INTERVAL developments. */
  private readonly checkpoints: NegotiationState[] = [];
  private lastRevision = -1;
  private recorded = 0;
  private lastRecorded: string | undefined;

  /** Revision of the last event recorded into this log (-1 before any). */
  get revision(): number {
    return this.lastRevision;
  }

  /** How many events (developments and amendments) were recorded into this log. */
  get recordedCount(): number {
    return this.recorded;
  }

  /** When the last of them was recorded. */
  get lastRecordedAt(): string | undefined {
    return this.lastRecorded;
  }

  /** The development with this id as the log now tells it (undefined if unknown or retracted). */
  find(eventId: string): EffectiveDevelopment<R> | undefined {
    return this.byId.get(eventId);
  }

  get developments(): ReadonlyArray<EffectiveDevelopment<R>> {
    return this.sorted.items;
  }

  get retracted(): ReadonlyArray<RetractedDevelopment<R>> {
    return this.retractedList;
  }

  /** Applies the next recorded event of the stream. Events must come in revision order. */
  record(record: R): void {
    this.lastRevision = record.revision;
    this.recorded += 1;
    this.lastRecorded = record.recordedAt;
    if (record.type === 'EventCorrected' || record.type === 'EventRetracted') {
      const target = this.byId.get(record.payload.targetEventId);
      if (target === undefined) return;
      this.remove(target);
      if (record.type === 'EventRetracted') {
        this.retractedList.push({
          event: target.event,
          retraction: {
            eventId: record.id,
            kind: 'retraction',
            reason: record.payload.reason,
            recordedAt: record.recordedAt,
          },
        });
        return;
      }
      const event = applyCorrection<R>(target.event, record.payload.corrections);
      this.insert({
        ...target,
        event,
        interval: occurredInterval(event),
        amendments: [
          ...target.amendments,
          {
            eventId: record.id,
            kind: 'correction',
            reason: record.payload.reason,
            recordedAt: record.recordedAt,
            fields: Object.keys(record.payload.corrections),
          },
        ],
      });
      return;
    }
    if (isCorrectionType(record.type)) return;
    const event = record as DevelopmentOf<R>;
    this.insert({
      event,
      interval: occurredInterval(event),
      recordedAt: record.recordedAt,
      recordedBy: record.recordedBy,
      revision: record.revision,
      amendments: NO_AMENDMENTS,
    });
  }

  /** How many developments (in order) had started by `untilMs`. */
  countStartedBy(untilMs: number): number {
    return this.sorted.startedBy(untilMs);
  }

  /** The state after folding the first `count` developments, from the nearest checkpoint. */
  stateAfter(count: number): NegotiationState {
    const full = Math.floor(count / CHECKPOINT_INTERVAL);
    while (this.checkpoints.length < full) {
      const built = this.checkpoints.length;
      const from = this.checkpoints[built - 1] ?? initialState;
      this.checkpoints.push(this.fold(from, built * CHECKPOINT_INTERVAL, (built + 1) * CHECKPOINT_INTERVAL));
    }
    return this.fold(this.checkpoints[full - 1] ?? initialState, full * CHECKPOINT_INTERVAL, count);
  }

  /**
   * Counted developments that may not yet have happened by `untilMs` (their interval ends after it): how many,
   * and the latest `listed` of them in occurrence order. Each index list is read backwards from `untilMs`, so its
   * first finds are its latest: only those are kept and sorted, the rest are only counted.
   */
  uncertainAt(
    count: number,
    untilMs: number,
    listed = Number.POSITIVE_INFINITY,
  ): { readonly latest: Array<EffectiveDevelopment<R>>; readonly count: number } {
    const candidates: Array<EffectiveDevelopment<R>> = [];
    let total = 0;
    const isUncertain = (d: EffectiveDevelopment<R>) =>
      d.interval.startMs <= untilMs && d.interval.endMs - 1 > untilMs;
    for (const development of this.veryWide)
      if (isUncertain(development)) {
        candidates.push(development);
        total += 1;
      }
    const scanBack = (
      list: OccurrenceList<EffectiveDevelopment<R>>,
      from: number,
      window: number,
      spanning: boolean,
    ) => {
      const { starts, ends, items } = list;
      let kept = 0;
      for (let index = from - 1; index >= 0; index -= 1) {
        const start = starts[index] ?? Number.NEGATIVE_INFINITY;
        if (start <= untilMs - window) break;
        const end = ends[index] ?? start;
        const span = end - start;
        if (span > DAY_MS === spanning && span <= SPANNING_LIMIT && start <= untilMs && end - 1 > untilMs) {
          total += 1;
          const development = items[index];
          if (kept < listed && development !== undefined) {
            candidates.push(development);
            kept += 1;
          }
        }
      }
    };
    for (const [index, limit] of SPAN_CLASSES.entries()) {
      const list = this.spanning[index];
      if (list !== undefined) scanBack(list, list.startedBy(untilMs), limit, true);
    }
    // Developments of a day or less can only be uncertain if they start within a day before `untilMs`.
    scanBack(this.sorted, count, DAY_MS, false);
    candidates.sort(compareDevelopments);
    return { latest: candidates.slice(Math.max(0, candidates.length - listed)), count: total };
  }

  private fold(from: NegotiationState, start: number, end: number): NegotiationState {
    let state = from;
    for (let index = start; index < end; index += 1) {
      const development = this.sorted.items[index];
      if (development !== undefined) state = evolve(state, development.event);
    }
    return state;
  }

  private invalidateFrom(index: number): void {
    this.checkpoints.length = Math.min(this.checkpoints.length, Math.floor(index / CHECKPOINT_INTERVAL));
  }

  private insert(development: EffectiveDevelopment<R>): void {
    this.invalidateFrom(this.sorted.insert(development));
    this.byId.set(development.event.id, development);
    const span = development.interval.endMs - development.interval.startMs;
    if (span > SPANNING_LIMIT) this.veryWide.add(development);
    else if (span > DAY_MS) this.spanning[spanClass(span)]?.insert(development);
  }

  private remove(development: EffectiveDevelopment<R>): void {
    this.invalidateFrom(this.sorted.remove(development));
    this.byId.delete(development.event.id);
    const span = development.interval.endMs - development.interval.startMs;
    if (span > SPANNING_LIMIT) this.veryWide.delete(development);
    else if (span > DAY_MS) this.spanning[spanClass(span)]?.remove(development);
  }
}

/**
 * What the log said at `knownAt` (every event recorded by then, in recorded order), with corrections applied to
 * their targets and retracted developments set aside. Without `knownAt`, the log as it stands now.
 */
export const effectiveLog = <R extends LeanEvent = StoredEvent>(
  stream: readonly R[],
  knownAt?: string,
): EffectiveLog<R> => {
  const knownUntil = knownAt === undefined ? Number.POSITIVE_INFINITY : endOfDateOrDateTime(knownAt);
  const log = new EffectiveLog<R>();
  for (const record of stream)
    // Filter rather than stop: recordedAt follows a wall clock, which is not guaranteed to be monotonic.
    if ((parseInstant(record.recordedAt) ?? 0) <= knownUntil) log.record(record);
  return log;
};

/** A scan fold as of a moment: developments that do not count by `untilMs` under `include` are left out. */
export interface ScanBound {
  readonly untilMs: number;
  readonly include: 'possible' | 'certain';
}

/**
 * The instant from which a development counts as of a moment: once it may have happened (`possible`, its interval
 * has started), or once it surely has (`certain`, its interval has ended).
 */
export const countsFrom = ({ startMs, endMs }: Interval, include: ScanBound['include']): number =>
  include === 'possible' ? startMs : endMs - 1;

/** The as-of query of a bound (no asOf for an unbounded one: every development counts). */
export const boundQuery = ({
  untilMs,
  include,
}: ScanBound): { asOf?: string; include: ScanBound['include'] } =>
  Number.isFinite(untilMs) ? { asOf: new Date(untilMs).toISOString(), include } : { include };

export interface ScanFolded {
  readonly state: NegotiationState;
  /** Developments folded. */
  readonly developments: number;
  /** Until this instant (exclusive) the state is the state as of any moment: no development left out counts yet. */
  readonly trueUntilMs: number;
}

type Amended =
  { readonly kind: 'correction'; readonly corrections: CorrectedFields } | { readonly kind: 'retraction' };

/**
 * The current state folded from a store's occurrence-ordered scan (see OccurrenceScanVisitor in the store port)
 * without holding the developments: memory stays flat however long the negotiation. It reaches the same state as
 * stateAsOf(effectiveLog(stream), {}): a property test holds the two equal, corrections and retractions included.
 */
export const createScanFold = (asOf?: ScanBound) => {
  const amendedBy = new Map<string, Amended[]>();
  // The earliest instant at which a development left out would count: until then the state stays true.
  let trueUntilMs = Number.POSITIVE_INFINITY;
  const counts = (event: DevelopmentOf<LeanEvent>): boolean => {
    if (asOf === undefined) return true;
    const from = countsFrom(occurredInterval(event), asOf.include);
    if (from <= asOf.untilMs) return true;
    trueUntilMs = Math.min(trueUntilMs, from);
    return false;
  };
  // The amended developments in their final form, folded in at their own place: sorted once, taken from `next`.
  const pending: Array<EffectiveDevelopment<LeanEvent>> = [];
  let pendingSorted = false;
  let next = 0;
  // Nobody sees the state before the end, so it is built in place (the same state as a chain of evolve calls).
  const builder = createStateBuilder();
  let developments = 0;

  const add = (event: DevelopmentOf<LeanEvent>) => {
    if (!counts(event)) return;
    builder.add(event);
    developments += 1;
  };

  const foldPendingBefore = (event: DevelopmentOf<LeanEvent> | undefined) => {
    if (!pendingSorted) {
      pending.sort(compareDevelopments);
      pendingSorted = true;
    }
    const development = event === undefined ? undefined : asDevelopment(event);
    for (; next < pending.length; next += 1) {
      const first = pending[next] as EffectiveDevelopment<LeanEvent>;
      if (development !== undefined && compareDevelopments(first, development) >= 0) break;
      add(first.event);
    }
  };

  const asDevelopment = (event: DevelopmentOf<LeanEvent>) =>
    ({ event, interval: occurredInterval(event) }) as EffectiveDevelopment<LeanEvent>;

  return {
    /** Corrections and retractions, in revision order. */
    amendment: (event: LeanEvent): void => {
      if (event.type !== 'EventCorrected' && event.type !== 'EventRetracted') return;
      const list = amendedBy.get(event.payload.targetEventId) ?? [];
      list.push(
        event.type === 'EventCorrected'
          ? { kind: 'correction', corrections: event.payload.corrections }
          : { kind: 'retraction' },
      );
      amendedBy.set(event.payload.targetEventId, list);
    },
    /** The events the amendments target, as recorded: their final form joins the fold at its own place. */
    amendedOriginal: (event: LeanEvent): void => {
      if (isCorrectionType(event.type)) return;
      let current: DevelopmentOf<LeanEvent> | undefined = event as DevelopmentOf<LeanEvent>;
      for (const amended of amendedBy.get(event.id) ?? []) {
        if (current === undefined) break;
        current =
          amended.kind === 'retraction'
            ? undefined
            : applyCorrection<LeanEvent>(current, amended.corrections);
      }
      if (current !== undefined) pending.push(asDevelopment(current));
    },
    /** Every development in occurrence order. */
    development: (event: LeanEvent): void => {
      if (isCorrectionType(event.type) || (amendedBy.size > 0 && amendedBy.has(event.id))) return;
      // Its interval is worked out only when an amended development may have to go before it.
      if (next < pending.length) foldPendingBefore(event as DevelopmentOf<LeanEvent>);
      add(event as DevelopmentOf<LeanEvent>);
    },
    finish: (): ScanFolded => {
      foldPendingBefore(undefined);
      return { state: builder.finish(), developments, trueUntilMs };
    },
  };
};
