// One development in full: what the reports say it was, and its provenance in the log (who recorded it,
// when, at which revision, under which hash), with any corrections applied since.
import { markup } from './markup.js';
import { formatPublished, formatRecorded } from './dates.js';
import { humanise } from './words.js';

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The payload as a definition list: every event type reads the same way without a template per type. */
const PayloadValue = ({ value }) => {
  if (Array.isArray(value))
    return value.every((item) => !isPlainObject(item))
      ? value.join(', ')
      : markup`
        <ul>
          ${value.map((item, index) => markup`<li key=${index}><${PayloadValue} value=${item} /></li>`)}
        </ul>
      `;
  if (isPlainObject(value))
    return markup`
      <dl class="payload">
        ${Object.entries(value).map(
          ([key, item]) => markup`
            <div class="fact" key=${key}>
              <dt>${humanise(key)}</dt>
              <dd><${PayloadValue} value=${item} /></dd>
            </div>
          `,
        )}
      </dl>
    `;
  return String(value);
};

const amendmentText = (amendment) =>
  `${amendment.kind} of ${(amendment.fields ?? []).join(', ') || 'the event'}, recorded ${formatRecorded(
    amendment.recordedAt,
  )}: ${amendment.reason}`;

const Amendments = ({ amendments }) =>
  amendments.length === 0
    ? null
    : markup`
      <h5>Corrections</h5>
      <ul class="amendments">
        ${amendments.map((amendment) => markup`<li key=${amendment.eventId}>${amendmentText(amendment)}</li>`)}
      </ul>
    `;

const Row = ({ term, children, className = '' }) => markup`
  <div class="fact">
    <dt>${term}</dt>
    <dd class=${className}>${children}</dd>
  </div>
`;

export const EventDetails = ({ development, stored }) => markup`
  <div class="event-details">
    <h5>Provenance</h5>
    <dl class="facts">
      <${Row} term="Reported">${formatPublished(development.reportedAt)}<//>
      ${development.confidence ? markup`<${Row} term="Confidence">${development.confidence}<//>` : null}
      ${development.cameoCode ? markup`<${Row} term="CAMEO code">${development.cameoCode}<//>` : null}
      <${Row} term="Recorded at">${formatRecorded(development.recordedAt)}<//>
      ${stored ? markup`<${Row} term="Recorded by" className="recorded-by">${stored.recordedBy}<//>` : null}
      ${stored ? markup`<${Row} term="Revision">${stored.revision}<//>` : null}
      ${stored ? markup`<${Row} term="Hash"><code class="hash">${stored.hash}</code><//>` : null}
      <${Row} term="Event id"><code>${development.eventId}</code><//>
    </dl>
    <${Amendments} amendments=${development.amendments} />
    <h5>Details</h5>
    <${PayloadValue} value=${development.payload} />
  </div>
`;
