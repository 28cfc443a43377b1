// A panel is a labelled region whose body is announced politely when the selected date changes it.
import { markup } from './markup.js';
import { EventLink } from './references.js';

export const Panel = ({ id, title, busy, error, asOf, children }) => markup`
  <section class="panel" id=${id} aria-labelledby=${`${id}-heading`} data-as-of=${asOf}>
    <h2 id=${`${id}-heading`}>${title}</h2>
    <div class="panel-body" aria-live="polite" aria-busy=${busy ? 'true' : 'false'}>
      ${error ? markup`<p class="error" role="alert">${`Could not load: ${error}`}</p>` : children}
    </div>
  </section>
`;

/** A row of a definition list. */
export const Fact = ({ term, children, className = '' }) => markup`
  <div class=${`fact ${className}`}>
    <dt>${term}</dt>
    <dd>${children}</dd>
  </div>
`;

/** " since 5 Jul 2024", the date being a link to the event that established the fact. */
export const Since = ({ reference, onSelectEvent, word = 'since' }) =>
  reference
    ? markup`<span class="since">${word ? ` ${word}` : ''}<${EventLink} reference=${reference} onSelectEvent=${onSelectEvent} /></span>`
    : null;
