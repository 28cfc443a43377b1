// The analyst's workspace: a start page listing the negotiations, and for each its own address with a
// selected date, three panels the API computes for that date, pictures over time, a searchable timeline
// and a form to record and correct developments. Everything follows the log live.
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { markup } from './markup.js';
import { csvPath, fetchNegotiations, fetchStoredEvents, fetchTimeline, fetchViews } from './api.js';
import { Controls } from './controls.js';
import {
  DAY_MS,
  dayNumberOf,
  dayNumberOfIso,
  formatDay,
  formatOccurrence,
  isoDayOf,
  occurrenceInterval,
} from './dates.js';
import { relationsAt } from './highlights.js';
import { Headline } from './headline.js';
import { IssuesSummary } from './issues-panel.js';
import { useLiveStream } from './live.js';
import { Legend, Message } from './page-parts.js';
import { Panel } from './panel.js';
import { PhasesSummary } from './phases-panel.js';
import { Pictures, usePictureSamples } from './pictures.js';
import { RecordForm } from './record-form.js';
import {
  EMPTY_FILTERS,
  SearchBar,
  filterTimeline,
  filtersFromAddress,
  filtersIntoAddress,
  searchOptions,
} from './search.js';
import { StartPage, timelineAddress } from './start-page.js';
import { StatusSummary } from './status-panel.js';
import { Timeline } from './timeline.js';
import { typeLabel } from './words.js';

/** Dragging the slider fires many inputs; the API is asked once the hand pauses. */
const VIEWS_DELAY_MS = 120;

const initialParameters = new URLSearchParams(window.location.search);
const TIMELINE_PATH = /^\/timeline\/([^/]+)\/?$/;

/** The slider spans the story: from the earliest possible start to the latest possible end. */
const boundsOf = (timeline) => {
  if (timeline.length === 0) {
    const today = dayNumberOf(Date.now());
    return { min: today - 365, max: today };
  }
  const intervals = timeline.map((entry) => occurrenceInterval(entry.occurredAt, entry.precision));
  return {
    min: dayNumberOf(Math.min(...intervals.map((interval) => interval.startMs))),
    max: dayNumberOf(Math.max(...intervals.map((interval) => interval.endMs)) - 1),
  };
};

const recordedSpanOf = (timeline) => {
  if (timeline.length === 0) return undefined;
  const times = timeline.map((entry) => entry.recordedAt).sort();
  return { first: times[0], last: times[times.length - 1] };
};

/** The days developments may first have happened on, for the previous/next buttons. */
const developmentDays = (timeline) =>
  [
    ...new Set(
      timeline.map((entry) => dayNumberOf(occurrenceInterval(entry.occurredAt, entry.precision).startMs)),
    ),
  ].sort((a, b) => a - b);

/** The address bar always names the view shown, so it can be bookmarked or shared. */
const keepInAddressBar = ({ dayNumber, knownAt, certainOnly, filters }) => {
  const parameters = new URLSearchParams();
  parameters.set('asOf', isoDayOf(dayNumber));
  if (knownAt) parameters.set('knownAt', knownAt);
  if (certainOnly) parameters.set('include', 'certain');
  filtersIntoAddress(filters, parameters);
  window.history.replaceState(null, '', `${window.location.pathname}?${parameters.toString()}`);
};

/** Keeps the selected-date marker in sight when the timeline scrolls on its own (wide screens). */
const scrollMarkerIntoTimeline = (scroller) => {
  const marker = scroller?.querySelector('#selected-date-marker');
  if (!marker || scroller.scrollHeight <= scroller.clientHeight) return;
  scroller.scrollTop = marker.offsetTop - scroller.clientHeight / 2;
};

const initialDay = (bounds) => {
  const asked = initialParameters.get('asOf');
  const day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? dayNumberOfIso(asked) : bounds.max;
  return Math.min(bounds.max, Math.max(bounds.min, day));
};

/** Status, issues and phases for the selected day, refetched (and stale answers dropped) as it moves. */
const useViews = ({ negotiationId, dayNumber, knownAt, certainOnly, revision }) => {
  const [views, setViews] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(true);
  useEffect(() => {
    if (dayNumber === undefined) return undefined;
    setBusy(true);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const asOf = isoDayOf(dayNumber);
      fetchViews(negotiationId, { asOf, knownAt, include: certainOnly ? 'certain' : '' }, controller.signal)
        .then((fetched) => {
          setViews({ ...fetched, asOf });
          setError(undefined);
          setBusy(false);
        })
        .catch((failure) => {
          if (failure.name === 'AbortError') return;
          setError(failure.message);
          setBusy(false);
        });
    }, VIEWS_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [negotiationId, dayNumber, knownAt, certainOnly, revision]);
  return { views, error, busy };
};

/** The whole log of the negotiation: its timeline and stored events, read again when a development lands. */
const useLog = (negotiationId, revision, setLoadError) => {
  const [log, setLog] = useState(undefined);
  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      fetchTimeline(negotiationId, '', controller.signal),
      fetchStoredEvents(negotiationId, controller.signal),
    ])
      .then(([timeline, stored]) =>
        setLog({
          timeline,
          storedEvents: new Map(stored.map((event) => [event.id, event])),
          lastPosition: Math.max(0, ...stored.map((event) => event.position)),
        }),
      )
      .catch((error) => error.name !== 'AbortError' && setLoadError(error.message));
    return () => controller.abort();
  }, [negotiationId, revision]);
  return log;
};

/**
 * The recording form in a modal dialog: it never covers the page's content, Escape closes it, and focus goes back
 * to the button that opened it.
 */
const RecordDialog = ({ open, onClose, children }) => {
  const dialog = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return markup`<dialog id="record-dialog" class="record-dialog no-print" ref=${dialog} aria-label="Record a development" onClose=${onClose}>${children}</dialog>`;
};

const panelBody = (views, render) => (views === undefined ? null : render(views));

const LIVE_TEXT = {
  connecting: 'Connecting to live updates…',
  live: 'Live: new developments appear as they are recorded.',
  reconnecting: 'Live updates interrupted; reconnecting…',
  closed: 'Live updates stopped; reload the page to follow again.',
};

const TimelinePage = ({ negotiationId }) => {
  const [loadError, setLoadError] = useState(undefined);
  const [negotiations, setNegotiations] = useState([]);
  const [revision, setRevision] = useState(0);
  const log = useLog(negotiationId, revision, setLoadError);
  const [loadedTimeline, setTimeline] = useState(undefined);
  const timeline = loadedTimeline ?? [];
  const [dayNumber, setDayNumber] = useState(undefined);
  const [knownAt, setKnownAt] = useState(initialParameters.get('knownAt') ?? '');
  const [certainOnly, setCertainOnly] = useState(initialParameters.get('include') === 'certain');
  const [filters, setFilters] = useState(() => ({
    ...EMPTY_FILTERS,
    ...filtersFromAddress(initialParameters),
  }));
  const [selectedEventId, setSelectedEventId] = useState(undefined);
  const [focusRequest, setFocusRequest] = useState(undefined);
  const [formRequest, setFormRequest] = useState(undefined);
  const [formOpen, setFormOpen] = useState(false);
  const [notice, setNotice] = useState('');
  const timelineScroller = useRef(null);
  const {
    views,
    error: viewsError,
    busy,
  } = useViews({ negotiationId, dayNumber, knownAt, certainOnly, revision });

  useEffect(() => {
    fetchNegotiations()
      .then(setNegotiations)
      .catch(() => undefined);
  }, [revision]);

  const onDevelopment = useCallback((event) => {
    setRevision((current) => current + 1);
    setNotice(
      `New development recorded: ${typeLabel(event.type)}, ${formatOccurrence(event.occurredAt, event.precision)}. The panels, pictures and timeline are up to date.`,
    );
  }, []);
  const liveState = useLiveStream(negotiationId, log?.lastPosition, onDevelopment);

  // At the latest day ("now"), the date moves on with a development that lands later; elsewhere it stays put.
  const latestDay = useRef(undefined);
  useEffect(() => {
    if (log === undefined) return;
    const logBounds = boundsOf(log.timeline);
    setDayNumber((current) =>
      current === undefined
        ? initialDay(logBounds)
        : current === latestDay.current
          ? logBounds.max
          : current,
    );
    latestDay.current = logBounds.max;
  }, [log]);

  useEffect(() => {
    if (log === undefined) return undefined;
    if (knownAt === '') {
      setTimeline(log.timeline);
      return undefined;
    }
    const controller = new AbortController();
    fetchTimeline(negotiationId, knownAt, controller.signal)
      .then(setTimeline)
      .catch((error) => error.name !== 'AbortError' && setLoadError(error.message));
    return () => controller.abort();
  }, [negotiationId, knownAt, log]);

  useEffect(() => {
    if (dayNumber !== undefined) keepInAddressBar({ dayNumber, knownAt, certainOnly, filters });
  }, [dayNumber, knownAt, certainOnly, filters]);

  const bounds = useMemo(() => boundsOf(log?.timeline ?? []), [log]);
  const storedEvents = log?.storedEvents ?? new Map();
  const relations = useMemo(
    () => relationsAt(timeline, views, dayNumber ?? bounds.max),
    [timeline, views, dayNumber, bounds],
  );
  const shownTimeline = useMemo(
    () => filterTimeline(timeline, storedEvents, filters),
    [timeline, storedEvents, filters],
  );
  const options = useMemo(() => searchOptions(timeline, storedEvents), [timeline, storedEvents]);
  const { samples, busy: drawing } = usePictureSamples(negotiationId, loadedTimeline, bounds, {
    knownAt,
    include: certainOnly ? 'certain' : '',
  });

  useEffect(() => scrollMarkerIntoTimeline(timelineScroller.current), [dayNumber, shownTimeline]);

  useEffect(() => {
    if (focusRequest === undefined) return;
    /** @type {HTMLElement | null} */
    const toggle = document.querySelector(`#event-${CSS.escape(focusRequest.eventId)} .development-toggle`);
    toggle?.scrollIntoView({ block: 'center' });
    toggle?.focus({ preventScroll: true });
  }, [focusRequest]);

  const toggleEvent = useCallback(
    (eventId) => setSelectedEventId((current) => (current === eventId ? undefined : eventId)),
    [],
  );
  /** From a panel's evidence link: open that development and move focus to it. */
  const showEvent = useCallback((eventId) => {
    setSelectedEventId(eventId);
    setFocusRequest({ eventId });
  }, []);
  /** From a mark in the pictures: the date moves to the event, which opens. */
  const pickFromPicture = useCallback(
    (eventId, day) => {
      setDayNumber(Math.min(bounds.max, Math.max(bounds.min, day)));
      showEvent(eventId);
    },
    [bounds, showEvent],
  );
  const amend = useCallback((type, targetEventId) => {
    setFormOpen(true);
    setFormRequest({ type, targetEventId, at: Date.now() });
  }, []);
  const step = useCallback(
    (direction) => {
      const days = developmentDays(timeline);
      const target =
        direction > 0 ? days.find((day) => day > dayNumber) : days.reverse().find((day) => day < dayNumber);
      if (target !== undefined) setDayNumber(target);
    },
    [timeline, dayNumber],
  );

  if (loadError) return markup`<${Message} alert text=${loadError} />`;
  if (log === undefined || dayNumber === undefined)
    return markup`<${Message} text="Loading the timeline…" />`;

  const listed = negotiations.find((item) => item.negotiationId === negotiationId);
  const title = listed?.title ?? negotiationId;
  const panelProps = { busy, error: viewsError, asOf: views?.asOf };
  const asOf = isoDayOf(dayNumber);
  const csvParams = { knownAt, include: certainOnly ? 'certain' : '' };
  const controlProps = {
    bounds,
    dayNumber,
    onDayNumber: setDayNumber,
    onStep: step,
    knownAt,
    onKnownAt: setKnownAt,
    recordedSpan: recordedSpanOf(log.timeline),
    certainOnly,
    onCertainOnly: setCertainOnly,
  };
  const phaseNames = new Map((views?.phases?.phases ?? []).map((phase) => [phase.phaseId, phase.name]));
  return markup`
    <header class="page-header">
      <nav class="breadcrumbs" aria-label="Negotiations"><a href="/">All negotiations</a></nav>
      <h1 title=${negotiationId}>${title}</h1>
      <p class="print-only print-as-of">${`As of ${formatDay(dayNumber * DAY_MS)}${knownAt ? `, as recorded by ${knownAt}` : ''}`}</p>
      <div class="live-state no-print" role="status">
        <span class=${`live-dot live-${liveState}`} aria-hidden="true"></span>${LIVE_TEXT[liveState] ?? ''}
      </div>
      <p class="live-notice no-print" aria-live="polite">${notice}</p>
      <${Controls} part="date" ...${controlProps} />
      <${Headline} views=${views} dateText=${formatDay(dayNumber * DAY_MS)} busy=${busy} error=${viewsError} onSelectEvent=${showEvent} />
      <${Controls} part="options" ...${controlProps} />
      <div class="actions no-print">
        <a class="button" href=${csvPath(negotiationId, 'timeline', { knownAt })} download>Timeline as CSV</a>
        <a class="button" href=${csvPath(negotiationId, 'issues', { asOf, ...csvParams, state: 'all' })} download>Issues as CSV</a>
        <button type="button" onClick=${() => window.print()}>Print a briefing</button>
        <button type="button" aria-expanded=${formOpen ? 'true' : 'false'} aria-controls="record-dialog"
          onClick=${() => setFormOpen(!formOpen)}>${formOpen ? 'Hide the form' : 'Record a development'}</button>
      </div>
    </header>
    <${RecordDialog} open=${formOpen} onClose=${() => setFormOpen(false)}>
      ${formOpen ? markup`<${RecordForm} negotiationId=${negotiationId} request=${formRequest} onClose=${() => setFormOpen(false)} onRecorded=${() => setRevision((current) => current + 1)} />` : null}
    <//>
    <main class="layout">
      <div class="panels-column">
        <section class="pictures-section" id="pictures" aria-labelledby="pictures-heading">
          <h2 id="pictures-heading">Over time</h2>
          <p class="help no-print">Each stripe is a state the API reported on that day; the line is the selected date. Choose a dot to move there and open the development.</p>
          <${Pictures} samples=${samples} busy=${drawing} timeline=${timeline} bounds=${bounds} dayNumber=${dayNumber} onPick=${pickFromPicture} />
        </section>
        <${Panel} id="status" title="Status" ...${panelProps}>
          ${panelBody(views, (v) => markup`<${StatusSummary} status=${v.status} onSelectEvent=${showEvent} />`)}
        <//>
        <${Panel} id="issues" title="Open issues" ...${panelProps}>
          ${panelBody(views, (v) => markup`<${IssuesSummary} issues=${v.issues} phaseNames=${phaseNames} onSelectEvent=${showEvent} />`)}
        <//>
        <${Panel} id="phases" title="Phase readiness" ...${panelProps}>
          ${panelBody(views, (v) => markup`<${PhasesSummary} phases=${v.phases} onSelectEvent=${showEvent} />`)}
        <//>
      </div>
      <section class="timeline-column no-print" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <${SearchBar} filters=${filters} options=${options} shown=${shownTimeline.length} total=${timeline.length} onFilters=${setFilters} />
        <${Legend} />
        <div class="timeline-scroller" ref=${timelineScroller}>
          <${Timeline}
            timeline=${shownTimeline}
            relations=${relations}
            selectedDayNumber=${dayNumber}
            selectedEventId=${selectedEventId}
            storedEvents=${storedEvents}
            onToggle=${toggleEvent}
            onAmend=${amend}
            emptyText=${timeline.length > 0 ? 'No development matches the search.' : undefined}
          />
        </div>
      </section>
    </main>
  `;
};

/** The start page, kept current: a development anywhere refreshes the list. */
const Start = () => {
  const [negotiations, setNegotiations] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [revision, setRevision] = useState(0);
  const [after, setAfter] = useState(undefined);
  useEffect(() => {
    fetchNegotiations()
      .then((list) => {
        setNegotiations(list);
        setAfter((current) => current ?? 0);
      })
      .catch((failure) => setError(failure.message));
  }, [revision]);
  useStartStream(after, () => setRevision((current) => current + 1));
  if (error) return markup`<${Message} alert text=${error} />`;
  if (negotiations === undefined) return markup`<${Message} text="Loading the negotiations…" />`;
  return markup`<${StartPage} negotiations=${negotiations} live="The list follows the log live." />`;
};

/** Follows every negotiation (GET /stream) from now on. */
const useStartStream = (ready, onAny) => {
  const handler = useRef(onAny);
  handler.current = onAny;
  useEffect(() => {
    if (ready === undefined) return undefined;
    const source = new EventSource('/stream');
    source.addEventListener('development', () => handler.current());
    return () => source.close();
  }, [ready === undefined]);
};

const route = () => {
  // Addresses of the earlier single page (/?negotiation=...) still open that negotiation.
  const legacy = window.location.pathname === '/' ? initialParameters.get('negotiation') : null;
  if (legacy) window.history.replaceState(null, '', timelineAddress(legacy));
  const match = TIMELINE_PATH.exec(window.location.pathname);
  return match ? decodeURIComponent(match[1]) : undefined;
};

const negotiationId = route();
render(
  negotiationId === undefined
    ? markup`<${Start} />`
    : markup`<${TimelinePage} key=${negotiationId} negotiationId=${negotiationId} />`,
  document.getElementById('app'),
);
