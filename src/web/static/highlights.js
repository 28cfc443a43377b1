// Which developments matter at the selected date. The panels name their evidence (`since`, `evidence`,
// `lastDevelopment`...) by event id; those events are the ones that made the state what it is.

import { DAY_MS, occurrenceInterval } from './dates.js';

/** Every event id a view cites, wherever it sits in the document. */
export const citedEventIds = (view, into = new Set()) => {
  if (Array.isArray(view)) for (const item of view) citedEventIds(item, into);
  else if (view !== null && typeof view === 'object')
    for (const [key, value] of Object.entries(view)) {
      if (key === 'eventId' && typeof value === 'string') into.add(value);
      // `uncertain` lists vague developments that may not have happened yet: marked apart, not as causes.
      else if (key !== 'uncertain') citedEventIds(value, into);
    }
  return into;
};

/**
 * How each development relates to the selected day: `shapes` (cited by a panel), `occurring` (its
 * interval contains the day), `uncertain` (counted, but may not have happened yet), `future`.
 */
export const relationsAt = (timeline, views, selectedDayNumber) => {
  const dayStart = selectedDayNumber * DAY_MS;
  const dayEnd = dayStart + DAY_MS;
  const cited = views ? citedEventIds([views.status, views.issues.issues, views.phases.phases]) : new Set();
  const uncertain = new Set((views?.status.uncertain ?? []).map((reference) => reference.eventId));
  const relations = new Map();
  for (const development of timeline) {
    const { startMs, endMs } = occurrenceInterval(development.occurredAt, development.precision);
    relations.set(development.eventId, {
      shapes: cited.has(development.eventId),
      occurring: startMs < dayEnd && endMs > dayStart,
      uncertain: uncertain.has(development.eventId),
      future: startMs >= dayEnd,
    });
  }
  return relations;
};
