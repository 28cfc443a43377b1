// The timeline page: one negotiation, a selected date, and three panels that the API computes for that date.
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { markup } from './markup.js';
import { fetchNegotiations, fetchStoredEvents, fetchTimeline, fetchViews } from './api.js';
import { Controls } from './controls.js';
import { dayNumberOf, dayNumberOfIso, isoDayOf, occurrenceInterval } from './dates.js';
import { relationsAt } from './highlights.js';
import { IssuesSummary } from './issues-panel.js';
import { Legend, Message, NegotiationPicker } from './page-parts.js';
import { Panel } from './panel.js';
import { PhasesSummary } from './phases-panel.js';
import { StatusSummary } from './status-panel.js';
import { Timeline } from './timeline.js';

const REFERENCE_STORY = 'gaza-ceasefire-2024';
/** Dragging the slider fires many inputs; the API is asked once the hand pauses. */
const VIEWS_DELAY_MS = 120;

const initialParameters = new URLSearchParams(window.location.search);

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
const keepInAddressBar = ({ negotiationId, dayNumber, knownAt, certainOnly }) => {
  const parameters = new URLSearchParams();
  if (negotiationId !== REFERENCE_STORY) parameters.set('negotiation', negotiationId);
  parameters.set('asOf', isoDayOf(dayNumber));
  if (knownAt) parameters.set('knownAt', knownAt);
  if (certainOnly) parameters.set('include', 'certain');
  window.history.replaceState(null, '', `?${parameters.toString()}`);
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

const useNegotiations = (setLoadError) => {
  const [negotiations, setNegotiations] = useState(undefined);
  const [negotiationId, setNegotiationId] = useState(undefined);
  useEffect(() => {
    fetchNegotiations()
      .then((list) => {
        setNegotiations(list);
        const wanted = initialParameters.get('negotiation') ?? REFERENCE_STORY;
        setNegotiationId((list.find((item) => item.negotiationId === wanted) ?? list[0])?.negotiationId);
      })
      .catch((error) => setLoadError(error.message));
  }, []);
  return { negotiations, negotiationId, setNegotiationId };
};

/** Status, issues and phases for the selected day, refetched (and stale answers dropped) as it moves. */
const useViews = ({ negotiationId, dayNumber, knownAt, certainOnly }) => {
  const [views, setViews] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(true);
  useEffect(() => {
    if (negotiationId === undefined || dayNumber === undefined) return undefined;
    keepInAddressBar({ negotiationId, dayNumber, knownAt, certainOnly });
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
  }, [negotiationId, dayNumber, knownAt, certainOnly]);
  return { views, error, busy };
};

const App = () => {
  const [loadError, setLoadError] = useState(undefined);
  const { negotiations, negotiationId, setNegotiationId } = useNegotiations(setLoadError);
  const [fullTimeline, setFullTimeline] = useState(undefined);
  const [timeline, setTimeline] = useState([]);
  const [storedEvents, setStoredEvents] = useState(new Map());
  const [dayNumber, setDayNumber] = useState(undefined);
  const [knownAt, setKnownAt] = useState(initialParameters.get('knownAt') ?? '');
  const [certainOnly, setCertainOnly] = useState(initialParameters.get('include') === 'certain');
  const [selectedEventId, setSelectedEventId] = useState(undefined);
  const [focusRequest, setFocusRequest] = useState(undefined);
  const timelineScroller = useRef(null);
  const { views, error: viewsError, busy } = useViews({ negotiationId, dayNumber, knownAt, certainOnly });

  useEffect(() => {
    if (negotiationId === undefined) return undefined;
    const controller = new AbortController();
    Promise.all([
      fetchTimeline(negotiationId, '', controller.signal),
      fetchStoredEvents(negotiationId, controller.signal),
    ])
      .then(([entries, stored]) => {
        setFullTimeline(entries);
        setStoredEvents(new Map(stored.map((event) => [event.id, event])));
        setDayNumber((current) => current ?? initialDay(boundsOf(entries)));
      })
      .catch((error) => error.name !== 'AbortError' && setLoadError(error.message));
    return () => controller.abort();
  }, [negotiationId]);

  useEffect(() => {
    if (negotiationId === undefined || fullTimeline === undefined) return undefined;
    if (knownAt === '') {
      setTimeline(fullTimeline);
      return undefined;
    }
    const controller = new AbortController();
    fetchTimeline(negotiationId, knownAt, controller.signal)
      .then(setTimeline)
      .catch((error) => error.name !== 'AbortError' && setLoadError(error.message));
    return () => controller.abort();
  }, [negotiationId, knownAt, fullTimeline]);

  const bounds = useMemo(() => boundsOf(fullTimeline ?? []), [fullTimeline]);
  const relations = useMemo(
    () => relationsAt(timeline, views, dayNumber ?? bounds.max),
    [timeline, views, dayNumber, bounds],
  );

  useEffect(() => scrollMarkerIntoTimeline(timelineScroller.current), [dayNumber, timeline]);

  useEffect(() => {
    if (focusRequest === undefined) return;
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
  const step = useCallback(
    (direction) => {
      const days = developmentDays(timeline);
      const target =
        direction > 0 ? days.find((day) => day > dayNumber) : days.reverse().find((day) => day < dayNumber);
      if (target !== undefined) setDayNumber(target);
    },
    [timeline, dayNumber],
  );
  const pickNegotiation = (id) => {
    setFullTimeline(undefined);
    setDayNumber(undefined);
    setSelectedEventId(undefined);
    setNegotiationId(id);
  };

  if (loadError) return markup`<${Message} alert text=${loadError} />`;
  if (negotiations !== undefined && negotiations.length === 0)
    return markup`<${Message} text="No negotiation has been recorded yet." />`;
  if (negotiationId === undefined || dayNumber === undefined)
    return markup`<${Message} text="Loading the timeline…" />`;

  const title = negotiations.find((item) => item.negotiationId === negotiationId)?.title ?? negotiationId;
  const panelProps = { busy, error: viewsError, asOf: views?.asOf };
  return markup`
    <header class="page-header">
      <h1>${title}</h1>
      <${NegotiationPicker} negotiations=${negotiations} negotiationId=${negotiationId} onPick=${pickNegotiation} />
      <${Controls}
        bounds=${bounds}
        dayNumber=${dayNumber}
        onDayNumber=${setDayNumber}
        onStep=${step}
        knownAt=${knownAt}
        onKnownAt=${setKnownAt}
        recordedSpan=${recordedSpanOf(fullTimeline ?? [])}
        certainOnly=${certainOnly}
        onCertainOnly=${setCertainOnly}
      />
    </header>
    <main class="layout">
      <div class="panels-column">
        <${Panel} id="status" title="Status" ...${panelProps}>
          ${views ? markup`<${StatusSummary} status=${views.status} onSelectEvent=${showEvent} />` : null}
        <//>
        <${Panel} id="issues" title="Open issues" ...${panelProps}>
          ${views ? markup`<${IssuesSummary} issues=${views.issues} onSelectEvent=${showEvent} />` : null}
        <//>
        <${Panel} id="phases" title="Phase readiness" ...${panelProps}>
          ${views ? markup`<${PhasesSummary} phases=${views.phases} onSelectEvent=${showEvent} />` : null}
        <//>
      </div>
      <section class="timeline-column" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <${Legend} />
        <div class="timeline-scroller" ref=${timelineScroller}>
          <${Timeline}
            timeline=${timeline}
            relations=${relations}
            selectedDayNumber=${dayNumber}
            selectedEventId=${selectedEventId}
            storedEvents=${storedEvents}
            onToggle=${toggleEvent}
          />
        </div>
      </section>
    </main>
  `;
};

render(markup`<${App} />`, document.getElementById('app'));
