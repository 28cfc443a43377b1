// The fixed parts of the page around the panels and the timeline.
import { markup } from './markup.js';

export const Legend = () => markup`
  <ul class="legend" aria-label="Legend">
    <li><span class="mark mark-shapes">Shapes the state</span>${' cited by a panel for the selected date'}</li>
    <li><span class="mark mark-occurring">On the selected date</span>${' may have happened on that day'}</li>
    <li><span class="mark mark-uncertain">May not have happened yet</span>${' vaguely dated, counted as possible'}</li>
  </ul>
  <p class="help">Choose a development's title for its details and provenance.</p>
`;

/** Shown only when the store holds more than one negotiation. */
export const NegotiationPicker = ({ negotiations, negotiationId, onPick }) =>
  negotiations.length < 2
    ? null
    : markup`
      <div class="field">
        <label for="negotiation">Negotiation</label>
        <select id="negotiation" value=${negotiationId} onChange=${(event) => onPick(event.currentTarget.value)}>
          ${negotiations.map(
            (item) =>
              markup`<option key=${item.negotiationId} value=${item.negotiationId}>${item.title ?? item.negotiationId}</option>`,
          )}
        </select>
      </div>
    `;

export const Message = ({ text, alert = false }) => markup`
  <main class="message">
    <h1>Negotiation timeline</h1>
    <p class=${alert ? 'error' : ''} role=${alert ? 'alert' : undefined}>${text}</p>
  </main>
`;
