// The start page: every negotiation the log holds, each a link to its own timeline.
import { markup } from './markup.js';
import { formatOccurrence, formatRecorded } from './dates.js';
import { stateLabel, toneOf } from './states.js';
import { typeLabel } from './words.js';

export const timelineAddress = (negotiationId) => `/timeline/${encodeURIComponent(negotiationId)}`;

const LastDevelopment = ({ development }) =>
  development
    ? markup`
      <span class="last-development">
        <strong>${typeLabel(development.type)}</strong>
        ${`, ${formatOccurrence(development.occurredAt, development.precision)}`}
        ${development.summary ? markup`<span class="summary">${`: ${development.summary}`}</span>` : null}
      </span>
    `
    : markup`<span class="empty">none yet</span>`;

const State = ({ value }) =>
  value ? markup`<span class=${`state tone-${toneOf(value)}`}>${stateLabel(value)}</span>` : '—';

export const StartPage = ({ negotiations, live }) => markup`
  <header class="page-header">
    <h1>Negotiations</h1>
    <p class="help">${`${negotiations.length === 1 ? 'One negotiation' : `${negotiations.length} negotiations`} in the log. ${live}`}</p>
  </header>
  <main class="start-page">
    ${
      negotiations.length === 0
        ? markup`<p class="empty">No negotiation has been recorded yet.</p>`
        : markup`
        <ul class="negotiation-list" aria-label="Negotiations">
          ${negotiations.map(
            (item) => markup`
              <li class="negotiation-card" key=${item.negotiationId} data-negotiation-id=${item.negotiationId}>
                <h2><a href=${timelineAddress(item.negotiationId)} title=${item.negotiationId}>${item.title ?? item.negotiationId}</a></h2>
                <dl class="facts">
                  <div class="fact"><dt>Stage</dt><dd><${State} value=${item.stage} /></dd></div>
                  <div class="fact"><dt>Activity</dt><dd><${State} value=${item.activity} /></dd></div>
                  <div class="fact"><dt>Last development</dt><dd><${LastDevelopment} development=${item.lastDevelopment} /></dd></div>
                  <div class="fact"><dt>Recorded</dt><dd>${`${item.eventCount} events, the last on ${formatRecorded(item.lastRecordedAt)}`}</dd></div>
                </dl>
              </li>
            `,
          )}
        </ul>
      `
    }
  </main>
`;
