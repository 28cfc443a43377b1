// The developments in occurrence order, grouped by the month they start in, each with its sources quoted.
// A marker shows where the selected date falls; the developments behind the state at that date stand out.
import { markup } from './markup.js';
import { DAY_MS, formatDay, formatMonth, formatPublished, monthKeyOf, occurrenceInterval } from './dates.js';
import { EventDetails } from './event-details.js';
import { OccurrenceTime, VagueDateTag } from './references.js';
import { describeAttribution, typeLabel } from './words.js';

/** The outlet is named in the citation anyway; its own reporting needs no second mention. A document has no speaker. */
const speakerOf = (attribution) =>
  attribution === undefined
    ? undefined
    : attribution.kind === 'outlet'
      ? "the outlet's own reporting"
      : describeAttribution(attribution);

/** The words verbatim, or a paraphrase marked as one. Links only where the report has a URL. */
const Source = ({ source }) => {
  const speaker = speakerOf(source.attribution);
  return markup`
    <li class="source">
      ${source.quote ? markup`<blockquote>${source.quote}</blockquote>` : null}
      ${source.paraphrase ? markup`<p class="paraphrase"><span class="paraphrase-tag">Paraphrase</span>${` ${source.paraphrase}`}</p>` : null}
      <p class="citation">
        ${speaker ? `— ${speaker}, in ` : '— '}
        ${
          source.url
            ? markup`<a href=${source.url} rel="noreferrer noopener"><cite>${source.title}</cite></a>`
            : markup`<cite>${source.title}</cite>`
        }
        ${`, ${source.outlet}, ${formatPublished(source.publishedAt)}`}
      </p>
    </li>
  `;
};

const MARKS = [
  ['shapes', 'Shapes the state'],
  ['occurring', 'On the selected date'],
  ['uncertain', 'May not have happened yet'],
];

/** Corrections and retractions are developments of their own; only the others can be corrected. */
const isAmendment = (type) => type === 'EventCorrected' || type === 'EventRetracted';

const AmendButtons = ({ development, onAmend }) =>
  onAmend && !isAmendment(development.type)
    ? markup`
      <p class="amend-actions no-print">
        <button type="button" onClick=${() => onAmend('EventCorrected', development.eventId)}>Correct this development</button>
        ${' '}
        <button type="button" onClick=${() => onAmend('EventRetracted', development.eventId)}>Retract this development</button>
      </p>
    `
    : null;

const Development = ({ development, relation, expanded, stored, onToggle, onAmend }) => {
  const id = development.eventId;
  const marks = MARKS.filter(([key]) => relation?.[key]);
  const classes = ['development', ...marks.map(([key]) => key), ...(relation?.future ? ['future'] : [])];
  return markup`
    <li class=${classes.join(' ')} id=${`event-${id}`} data-event-id=${id} data-type=${development.type}>
      <div class="development-head">
        <${OccurrenceTime} id=${`when-${id}`} occurredAt=${development.occurredAt} precision=${development.precision} />
        <${VagueDateTag} precision=${development.precision} />
        ${marks.map(([key, label]) => markup`<span key=${key} class=${`mark mark-${key}`}>${label}</span>`)}
        ${relation?.future ? markup`<span class="mark mark-future">After the selected date</span>` : null}
      </div>
      <h4 class="development-title">
        <button
          type="button"
          class="development-toggle"
          aria-expanded=${expanded ? 'true' : 'false'}
          aria-controls=${`details-${id}`}
          aria-describedby=${`when-${id}`}
          onClick=${() => onToggle(id)}
        >${typeLabel(development.type)}</button>
      </h4>
      ${development.summary ? markup`<p class="summary">${development.summary}</p>` : null}
      <ul class="sources" aria-label="Sources">
        ${development.sources.map((source, index) => markup`<${Source} key=${index} source=${source} />`)}
      </ul>
      <div class="details-region" id=${`details-${id}`} hidden=${!expanded}>
        ${expanded ? markup`<${EventDetails} development=${development} stored=${stored} />` : null}
        ${expanded ? markup`<${AmendButtons} development=${development} onAmend=${onAmend} />` : null}
      </div>
    </li>
  `;
};

/** Month groups in occurrence order; a development spanning months sits under the month it may start in. */
const groupByMonth = (timeline) => {
  const groups = [];
  for (const development of timeline) {
    const startMs = occurrenceInterval(development.occurredAt, development.precision).startMs;
    const key = monthKeyOf(startMs);
    const last = groups[groups.length - 1];
    if (last?.key === key) last.developments.push(development);
    else groups.push({ key, heading: formatMonth(startMs), developments: [development] });
  }
  return groups;
};

const SelectedDateMarker = ({ selectedDayNumber }) => markup`
  <p class="selected-date-marker" id="selected-date-marker">
    ${`Selected date: ${formatDay(selectedDayNumber * DAY_MS)}`}
  </p>
`;

const MonthGroup = ({ group, props }) => markup`
  <div class="month">
    <h3 class="month-heading">${group.heading}</h3>
    <ol class="developments">
      ${group.developments.map(
        (development) => markup`
          <${Development}
            key=${development.eventId}
            development=${development}
            relation=${props.relations.get(development.eventId)}
            expanded=${props.selectedEventId === development.eventId}
            stored=${props.storedEvents.get(development.eventId)}
            onToggle=${props.onToggle}
            onAmend=${props.onAmend}
          />
        `,
      )}
    </ol>
  </div>
`;

/**
 * The marker goes between the developments that count by the selected date and the later ones; a month
 * that straddles the date is split around it so the marker never sits inside a list item.
 */
export const Timeline = (props) => {
  const { timeline, relations, selectedDayNumber } = props;
  if (timeline.length === 0)
    return markup`<p class="empty">${props.emptyText ?? 'The log had recorded no development by then.'}</p>`;
  const counted = timeline.filter((development) => !relations.get(development.eventId)?.future);
  const later = timeline.filter((development) => relations.get(development.eventId)?.future);
  const before = groupByMonth(counted);
  const after = groupByMonth(later);
  if (after[0] !== undefined && after[0].key === before[before.length - 1]?.key)
    after[0] = { ...after[0], heading: `${after[0].heading} (continued)` };
  return markup`
    ${before.map((group) => markup`<${MonthGroup} key=${`before-${group.key}`} group=${group} props=${props} />`)}
    <${SelectedDateMarker} selectedDayNumber=${selectedDayNumber} />
    ${after.map((group) => markup`<${MonthGroup} key=${`after-${group.key}`} group=${group} props=${props} />`)}
  `;
};
