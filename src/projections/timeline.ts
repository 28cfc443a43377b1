import { CAMEO_CODES, StoredEvent, endOfDateOrDateTime, startOfDateOrDateTime } from '../domain';
import { EffectiveDevelopment, EffectiveLog } from './effective-log';

/** How an answer names an event: its id and type, and its three clocks. */
export interface EventHeading {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly precision: string;
  readonly reportedAt: string;
  readonly recordedAt: string;
  readonly summary?: string;
}

/** One development in the timeline, with its sources and the corrections that changed it. */
export interface TimelineEntry extends EventHeading {
  readonly confidence?: string;
  readonly cameoCode?: string;
  readonly sources: StoredEvent['sources'];
  readonly payload: EffectiveDevelopment<StoredEvent>['event']['payload'];
  readonly amendments: EffectiveDevelopment['amendments'];
}

export interface TimelineQuery {
  /** Keep developments whose interval reaches into [from, to]; either bound may be absent. */
  readonly from?: string;
  readonly to?: string;
}

export const timelineEntry = ({
  event,
  recordedAt,
  amendments,
}: EffectiveDevelopment<StoredEvent>): TimelineEntry => {
  const cameoCode = CAMEO_CODES[event.type];
  return {
    eventId: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    precision: event.precision,
    reportedAt: event.reportedAt,
    recordedAt,
    ...(event.confidence === undefined ? {} : { confidence: event.confidence }),
    ...(event.summary === undefined ? {} : { summary: event.summary }),
    ...(cameoCode === undefined ? {} : { cameoCode }),
    sources: event.sources,
    payload: event.payload,
    amendments,
  };
};

/** The developments in occurrence order, with their sources, between two dates. */
/** Needs the full events (with their sources' words), not the lean ones the status views fold. */
export const timelineView = (log: EffectiveLog<StoredEvent>, query: TimelineQuery): TimelineEntry[] => {
  const fromMs = query.from === undefined ? Number.NEGATIVE_INFINITY : startOfDateOrDateTime(query.from);
  const toMs = query.to === undefined ? Number.POSITIVE_INFINITY : endOfDateOrDateTime(query.to);
  return log.developments
    .filter(({ interval }) => interval.endMs - 1 >= fromMs && interval.startMs <= toMs)
    .map(timelineEntry);
};
