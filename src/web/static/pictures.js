// Pictures of the negotiation over time, drawn as inline SVG from the API's own views: the issues, phases
// and status are asked for as of each day a development may have started on, so every stripe is a state
// the API reported. The selected date is one line across all three pictures.
import { useEffect, useRef, useState } from 'preact/hooks';
import { markup } from './markup.js';
import { fetchIssuesAt, fetchPhasesAt, fetchStatusAt } from './api.js';
import { DAY_MS, dayNumberOf, formatDay, isoDayOf, occurrenceInterval } from './dates.js';
import { stateLabel, toneOf } from './states.js';
import { typeLabel } from './words.js';

const CONCURRENCY = 4;
const LABEL = 14;
const BAR = 12;
const LANE = LABEL + BAR + 6;
const AXIS = 22;
const SECTION_GAP = 28;
/**
 * The tracks of the activity band: each reads one field of the status view.
 * @type {Array<[string, string, (status: import('./api.js').StatusView | undefined) => string | undefined]>}
 */
const TRACKS = [
  ['activity', 'Talks', (status) => status?.activity],
  ['ground', 'Ground', (status) => status?.ground?.situation],
];

const startDayOf = (reference) =>
  dayNumberOf(occurrenceInterval(reference.occurredAt, reference.precision).startMs);

/** The days to sample: each day a development may have started on, and the last day of the slider. */
const sampleDays = (timeline, bounds) =>
  [...new Set([...timeline.map(startDayOf), bounds.max])]
    .filter((day) => day <= bounds.max)
    .sort((a, b) => a - b);

const inBatches = async (items, run) => {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
};

/** The views at every sampled day; refetched when the timeline changes (a development landed). */
export const usePictureSamples = (negotiationId, timeline, bounds, { knownAt, include }) => {
  const [samples, setSamples] = useState(undefined);
  const [busy, setBusy] = useState(true);
  useEffect(() => {
    // Undefined: the timeline itself is still loading.
    if (timeline === undefined) return undefined;
    if (timeline.length === 0) {
      setSamples([]);
      setBusy(false);
      return undefined;
    }
    // The pictures drawn so far stay up while the new ones are fetched (a development landed).
    setBusy(true);
    const controller = new AbortController();
    const days = sampleDays(timeline, bounds);
    inBatches(days, async (day) => {
      const params = { asOf: isoDayOf(day), knownAt, include };
      const [issues, phases, status] = await Promise.all([
        fetchIssuesAt(negotiationId, params, controller.signal),
        fetchPhasesAt(negotiationId, params, controller.signal),
        fetchStatusAt(negotiationId, params, controller.signal),
      ]);
      return { day, issues: issues.issues, phases: phases.phases, status };
    })
      .then((fetched) => {
        setSamples(fetched);
        setBusy(false);
      })
      .catch((error) => {
        if (error.name === 'AbortError') return;
        setSamples({ error: error.message });
        setBusy(false);
      });
    return () => controller.abort();
  }, [negotiationId, timeline, bounds.min, bounds.max, knownAt, include]);
  return { samples, busy };
};

/** Runs of equal state along the samples: [{ from, to, state, sample }], `to` exclusive. */
const runsOf = (samples, stateAt, endDay) => {
  const runs = [];
  samples.forEach((sample, index) => {
    const state = stateAt(sample);
    const to = samples[index + 1]?.day ?? endDay + 1;
    const last = runs[runs.length - 1];
    if (state === undefined) return;
    if (last && last.state === state && last.to === sample.day) last.to = to;
    else runs.push({ from: sample.day, to, state, sample });
  });
  return runs;
};

/** Things in the order the last sample lists them, then any that no longer appear. */
const unionBy = (samples, listOf, keyOf) => {
  const byKey = new Map();
  for (const sample of [...samples].reverse())
    for (const item of listOf(sample)) if (!byKey.has(keyOf(item))) byKey.set(keyOf(item), item);
  return [...byKey.values()];
};

/** The dates a phase is due by: its start-by date and, once started, its due date (PhaseReadiness in the API). */
const dueDatesOf = (phase) =>
  [
    ['startBy', 'Start by', phase.startBy, phase.startMissed ? 'missed' : undefined],
    ['dueBy', 'Due', phase.dueBy, phase.overdue ? 'overdue' : undefined],
  ]
    .filter(([, , at]) => typeof at === 'string' && /^\d{4}-\d{2}-\d{2}/.test(at))
    .map(([key, label, at, state]) => ({ key, label, day: dayNumberOf(Date.parse(at.slice(0, 10))), state }));

const monthTicks = (min, max) => {
  const ticks = [];
  const first = new Date(min * DAY_MS);
  let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1);
  while (month <= max * DAY_MS) {
    if (month >= min * DAY_MS) ticks.push(month / DAY_MS);
    const date = new Date(month);
    month = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return ticks;
};
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A clickable mark on a lane: moves the date to the event and opens it. */
const Mark = ({ x, y, reference, onPick, kind = 'event' }) => {
  const label = `${typeLabel(reference.type)}, ${formatDay(occurrenceInterval(reference.occurredAt, reference.precision).startMs)}`;
  const pick = () => onPick(reference.eventId, startDayOf(reference));
  return markup`
    <g class=${`mark-event mark-${kind}`} role="button" tabindex="0" aria-label=${`${label}: show`} data-event-id=${reference.eventId}
      onClick=${pick} onKeyDown=${(event) => (event.key === 'Enter' || event.key === ' ') && (event.preventDefault(), pick())}>
      <title>${label}</title>
      <circle cx=${x} cy=${y} r="5" />
    </g>
  `;
};

const Runs = ({ runs, x, y, describe }) =>
  runs.map(
    (run) => markup`
      <rect key=${run.from} class=${`run tone-${toneOf(run.state)}`} data-state=${run.state}
        x=${x(run.from)} y=${y} width=${Math.max(1, x(run.to) - x(run.from))} height=${BAR} rx="2">
        <title>${describe(run)}</title>
      </rect>
    `,
  );

/** The colour key: each tone drawn, with the states it stands for here, and what the marks and the line mean. */
const PictureKey = ({ states }) => {
  const byTone = new Map();
  for (const state of states)
    byTone.set(toneOf(state), [...(byTone.get(toneOf(state)) ?? []), stateLabel(state)]);
  return markup`
    <ul class="picture-key" aria-label="Colour key">
      ${[...byTone].map(
        ([tone, labels]) =>
          markup`<li key=${tone}><span class=${`key-swatch tone-${tone}`} aria-hidden="true"></span>${labels.join(', ')}</li>`,
      )}
      <li><span class="key-ring" aria-hidden="true"></span>a development that moved an issue or a phase</li>
      <li><span class="key-dot" aria-hidden="true"></span>a development (choose a mark to open it)</li>
      <li><span class="key-due" aria-hidden="true"></span>a phase's start-by or due date</li>
      <li><span class="key-line" aria-hidden="true"></span>the date shown</li>
    </ul>
  `;
};

const stateOn = (runs, day) => runs.find((run) => run.from <= day && day < run.to)?.state;

export const Pictures = ({ samples, busy, timeline, bounds, dayNumber, onPick }) => {
  const box = useRef(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    if (!box.current) return undefined;
    const observer = new ResizeObserver(([entry]) =>
      setWidth(Math.max(280, Math.floor(entry.contentRect.width))),
    );
    observer.observe(box.current);
    return () => observer.disconnect();
  }, []);
  if (samples === undefined)
    return markup`<div class="pictures" ref=${box}><p aria-busy="true">Drawing the pictures…</p></div>`;
  if (samples.error)
    return markup`<div class="pictures" ref=${box}><p class="error" role="alert">${`Could not draw: ${samples.error}`}</p></div>`;
  const pad = 8;
  const span = Math.max(1, bounds.max + 1 - bounds.min);
  const x = (day) =>
    pad + ((Math.min(bounds.max + 1, Math.max(bounds.min, day)) - bounds.min) / span) * (width - 2 * pad);
  const issues = unionBy(
    samples,
    (sample) => sample.issues,
    (issue) => issue.issueId,
  );
  const phases = unionBy(
    samples,
    (sample) => sample.phases,
    (phase) => phase.phaseId,
  );
  const tracks = TRACKS.filter(([, , read]) => samples.some((sample) => read(sample.status) !== undefined));
  const drawnStates = new Set(
    samples.flatMap((sample) => [
      ...sample.issues.map((issue) => issue.state),
      ...sample.phases.map((phase) => phase.state),
      ...tracks.map(([, , read]) => read(sample.status)),
    ]),
  );
  drawnStates.delete(undefined);
  let y = AXIS;
  const section = (title, count) => {
    const top = y;
    y += LABEL + 4 + count * LANE + SECTION_GAP;
    return top;
  };
  const issuesTop = section('Issues', issues.length);
  const phasesTop = section('Phases', phases.length);
  const bandTop = section('Talks and ground', tracks.length + 1);
  const height = y - SECTION_GAP + 4;
  const laneY = (top, index) => top + LABEL + 4 + index * LANE;
  const selectedX = x(dayNumber) + (x(dayNumber + 1) - x(dayNumber)) / 2;
  const ticks = monthTicks(bounds.min, bounds.max);
  const everyNth = Math.max(1, Math.ceil((ticks.length * 48) / width));

  return markup`
    <div class="pictures" ref=${box}>
      <svg class="pictures-svg" aria-busy=${busy ? 'true' : 'false'} width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="group"
        aria-label=${`Issues, phases and activity over time; the line marks ${formatDay(dayNumber * DAY_MS)}`}>
        <g class="axis" aria-hidden="true">
          ${ticks.map(
            (tick, index) => markup`
            <g key=${tick}>
              <line x1=${x(tick)} x2=${x(tick)} y1=${AXIS - 6} y2=${height} class="tick" />
              ${index % everyNth === 0 ? markup`<text x=${x(tick) + 2} y=${AXIS - 10} class="tick-label">${`${SHORT_MONTHS[new Date(tick * DAY_MS).getUTCMonth()]}${new Date(tick * DAY_MS).getUTCMonth() === 0 ? ` ${new Date(tick * DAY_MS).getUTCFullYear()}` : ''}`}</text>` : null}
            </g>`,
          )}
        </g>
        <g class="picture issue-lanes" aria-label="Issue lanes">
          <text x=${pad} y=${issuesTop + LABEL - 2} class="section-title">${issues.length === 0 ? 'Issues: none raised yet' : 'Issues'}</text>
          ${issues.map((issue, index) => {
            const runs = runsOf(
              samples,
              (sample) => sample.issues.find((item) => item.issueId === issue.issueId)?.state,
              bounds.max,
            );
            const top = laneY(issuesTop, index);
            const latest = samples
              .filter((sample) => sample.day <= dayNumber)
              .reverse()
              .map((sample) => sample.issues.find((item) => item.issueId === issue.issueId))
              .find(Boolean);
            const moves = (latest ?? issue).movedBy ?? [];
            return markup`
              <g key=${issue.issueId} class="issue-lane" data-issue-id=${issue.issueId} data-state=${stateOn(runs, dayNumber) ?? 'not-raised'}>
                <text x=${pad} y=${top + LABEL - 3} class="lane-label"><title>${issue.issueId}</title>${issue.title ?? issue.issueId}</text>
                <${Runs} runs=${runs} x=${x} y=${top + LABEL} describe=${(run) => `${issue.title ?? issue.issueId}: ${stateLabel(run.state)} from ${formatDay(run.from * DAY_MS)}`} />
                ${moves.map((reference) => markup`<${Mark} key=${reference.eventId} x=${x(startDayOf(reference)) + 1} y=${top + LABEL + BAR / 2} reference=${reference} onPick=${onPick} />`)}
              </g>
            `;
          })}
        </g>
        <g class="picture phase-bars" aria-label="Phase bars">
          <text x=${pad} y=${phasesTop + LABEL - 2} class="section-title">${phases.length === 0 ? 'Phases: no phased framework yet' : 'Phases'}</text>
          ${phases.map((phase, index) => {
            const find = (sample) => sample.phases.find((item) => item.phaseId === phase.phaseId);
            const runs = runsOf(samples, (sample) => find(sample)?.state, bounds.max);
            const top = laneY(phasesTop, index);
            const met = (run) => {
              const at = find(run.sample);
              const prerequisites = at?.prerequisites ?? [];
              return `${prerequisites.filter((item) => item.met).length} of ${prerequisites.length} prerequisites met`;
            };
            const marks = [
              phase.started,
              phase.completed,
              ...Object.values(phase).filter(
                (value) =>
                  value &&
                  typeof value === 'object' &&
                  value.eventId &&
                  value !== phase.started &&
                  value !== phase.completed,
              ),
            ].filter((value) => value?.eventId);
            return markup`
              <g key=${phase.phaseId} class="phase-bar" data-phase-id=${phase.phaseId} data-state=${stateOn(runs, dayNumber) ?? 'not-defined'}>
                <text x=${pad} y=${top + LABEL - 3} class="lane-label"><title>${phase.phaseId}</title>${phase.name ?? phase.phaseId}</text>
                <${Runs} runs=${runs} x=${x} y=${top + LABEL} describe=${(run) => `${phase.name ?? phase.phaseId}: ${stateLabel(run.state)} from ${formatDay(run.from * DAY_MS)}; ${met(run)}`} />
                ${dueDatesOf(phase).map(
                  (due) => markup`
                  <g key=${`${due.key}-${due.day}`} class=${`due tone-${toneOf(due.state)}`}>
                    <title>${`${due.label} ${formatDay(due.day * DAY_MS)}${due.state ? ` (${stateLabel(due.state)})` : ''}`}</title>
                    <path d=${`M ${x(due.day)} ${top + LABEL - 2} l 5 -6 l -10 0 z`} />
                  </g>`,
                )}
                ${marks.map((reference) => markup`<${Mark} key=${reference.eventId} x=${x(startDayOf(reference)) + 1} y=${top + LABEL + BAR / 2} reference=${reference} onPick=${onPick} />`)}
              </g>
            `;
          })}
        </g>
        <g class="picture activity-band" aria-label="Talks and ground">
          <text x=${pad} y=${bandTop + LABEL - 2} class="section-title">Talks and ground</text>
          ${tracks.map(([key, title, read], index) => {
            const runs = runsOf(samples, (sample) => read(sample.status), bounds.max);
            const top = laneY(bandTop, index);
            return markup`
              <g key=${key} class="activity-track" data-track=${key} data-state=${stateOn(runs, dayNumber) ?? 'none'}>
                <text x=${pad} y=${top + LABEL - 3} class="lane-label">${title}</text>
                <${Runs} runs=${runs} x=${x} y=${top + LABEL} describe=${(run) => `${title}: ${stateLabel(run.state)} from ${formatDay(run.from * DAY_MS)}`} />
              </g>
            `;
          })}
          <g class="activity-track developments-track" data-track="developments">
            <text x=${pad} y=${laneY(bandTop, tracks.length) + LABEL - 3} class="lane-label">Developments</text>
            ${timeline.map((entry) => markup`<${Mark} key=${entry.eventId} kind="development" x=${x(startDayOf(entry)) + 1} y=${laneY(bandTop, tracks.length) + LABEL + BAR / 2} reference=${entry} onPick=${onPick} />`)}
          </g>
        </g>
        <line class="selected-date-line" x1=${selectedX} x2=${selectedX} y1=${AXIS - 6} y2=${height} data-day=${isoDayOf(dayNumber)} />
      </svg>
      <${PictureKey} states=${[...drawnStates]} />
    </div>
  `;
};
