// Searching the timeline: words anywhere in a development (summary, quotes, payload), a party, an issue,
// an event type. The filters live in the address so a search can be shared.
import { markup } from './markup.js';
import { typeLabel } from './words.js';

export const EMPTY_FILTERS = { text: '', party: '', issue: '', type: '' };
const PARAMETERS = { text: 'q', party: 'party', issue: 'issue', type: 'type' };

export const filtersFromAddress = (parameters) =>
  Object.fromEntries(Object.entries(PARAMETERS).map(([key, name]) => [key, parameters.get(name) ?? '']));

export const filtersIntoAddress = (filters, parameters) => {
  for (const [key, name] of Object.entries(PARAMETERS)) if (filters[key]) parameters.set(name, filters[key]);
};

/** Every string inside a value, for matching whatever fields an event type has. */
const stringsIn = (value, into = []) => {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) stringsIn(item, into);
  return into;
};

/** Keys under which payloads name parties; any event type that names one this way is found by it. */
const PARTY_KEYS = new Set([
  'party',
  'parties',
  'by',
  'raisedBy',
  'author',
  'endorsedBy',
  'announcedBy',
  'participants',
  'setBy',
  'allegedBy',
  'accused',
  'suspendedBy',
  'declaredBy',
  'blames',
  'joined',
  'left',
  'conveyedBy',
  'via',
  'mediators',
]);
const ISSUE_KEYS = new Set(['issueId', 'issueIds']);

const valuesUnder = (value, keys, into = new Set()) => {
  if (Array.isArray(value)) for (const item of value) valuesUnder(item, keys, into);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (keys.has(key)) for (const text of stringsIn(item)) into.add(text);
      else valuesUnder(item, keys, into);
    }
  return into;
};

export const partiesOf = (event) => valuesUnder(event?.payload, PARTY_KEYS);
export const issuesOf = (event) => valuesUnder(event?.payload, ISSUE_KEYS);

/** The options the selects offer: what the negotiation's events actually name. */
export const searchOptions = (timeline, storedEvents) => {
  const parties = new Set();
  const issues = new Set();
  const types = new Set();
  for (const entry of timeline) {
    const stored = storedEvents.get(entry.eventId);
    for (const party of partiesOf(stored)) parties.add(party);
    for (const issue of issuesOf(stored)) issues.add(issue);
    types.add(entry.type);
  }
  const sorted = (set) => [...set].sort((a, b) => a.localeCompare(b));
  return { parties: sorted(parties), issues: sorted(issues), types: sorted(types) };
};

export const isFiltering = (filters) => Object.values(filters).some((value) => value !== '');

export const filterTimeline = (timeline, storedEvents, filters) => {
  if (!isFiltering(filters)) return timeline;
  const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
  return timeline.filter((entry) => {
    const stored = storedEvents.get(entry.eventId);
    if (filters.type && entry.type !== filters.type) return false;
    if (filters.party && !partiesOf(stored).has(filters.party)) return false;
    if (filters.issue && !issuesOf(stored).has(filters.issue)) return false;
    if (words.length === 0) return true;
    const haystack = [
      typeLabel(entry.type),
      ...stringsIn(entry.summary),
      ...stringsIn(entry.sources),
      ...stringsIn(stored?.payload),
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
};

const Select = ({ id, label, value, options, describe = (option) => option, onChange }) => markup`
  <div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(event) => onChange(event.currentTarget.value)}>
      <option value="">Any</option>
      ${options.map((option) => markup`<option key=${option} value=${option}>${describe(option)}</option>`)}
    </select>
  </div>
`;

export const SearchBar = ({ filters, options, shown, total, onFilters }) => {
  const set = (key) => (value) => onFilters({ ...filters, [key]: value });
  return markup`
    <form class="search" role="search" aria-label="Search the timeline" onSubmit=${(event) => event.preventDefault()}>
      <div class="field">
        <label for="search-text">Search</label>
        <input id="search-text" type="search" value=${filters.text} placeholder="words in summaries, quotes, fields" onInput=${(event) => set('text')(event.currentTarget.value)} />
      </div>
      <${Select} id="search-party" label="Party" value=${filters.party} options=${options.parties} onChange=${set('party')} />
      <${Select} id="search-issue" label="Issue" value=${filters.issue} options=${options.issues} onChange=${set('issue')} />
      <${Select} id="search-type" label="Type" value=${filters.type} options=${options.types} describe=${typeLabel} onChange=${set('type')} />
      <p class="help search-count" aria-live="polite">
        ${isFiltering(filters) ? `${shown} of ${total} developments match.` : `${total} developments.`}
        ${isFiltering(filters) ? markup`${' '}<button type="button" onClick=${() => onFilters(EMPTY_FILTERS)}>Clear search</button>` : null}
      </p>
    </form>
  `;
};
