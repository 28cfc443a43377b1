// Dates and links to the events the panels cite as evidence.
import { markup } from './markup.js';
import { formatOccurrence, isVague } from './dates.js';
import { typeLabel } from './words.js';

/** An occurrence at its own precision; `datetime` only where HTML can express it (not for ranges). */
export const OccurrenceTime = ({ occurredAt, precision, id }) => {
  const text = formatOccurrence(occurredAt, precision);
  return precision === 'range'
    ? markup`<span class="occurrence" id=${id} data-occurred-at=${occurredAt}>${text}</span>`
    : markup`<time class="occurrence" id=${id} datetime=${occurredAt} data-occurred-at=${occurredAt}>${text}</time>`;
};

const VAGUENESS = { month: 'The reports give only the month', range: 'The reports give only a span of days' };

export const VagueDateTag = ({ precision }) =>
  isVague(precision) ? markup`<span class="vague-tag" title=${VAGUENESS[precision]}>vague date</span>` : null;

/** A cited event: shows its date and, when chosen, that event in the timeline. */
export const EventLink = ({ reference, onSelectEvent }) => {
  if (!reference) return null;
  const text = formatOccurrence(reference.occurredAt, reference.precision);
  // The leading space is part of the text, so the date never runs into the words before it.
  return markup`
    ${' '}<button
      type="button"
      class="event-link"
      data-event-id=${reference.eventId}
      aria-label=${`${text}: ${typeLabel(reference.type)}, show in the timeline`}
      onClick=${() => onSelectEvent(reference.eventId)}
    >
      <${OccurrenceTime} occurredAt=${reference.occurredAt} precision=${reference.precision} />
    </button>
  `;
};
