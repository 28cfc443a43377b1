// Moving through time: a day slider and a date field on the occurrence axis (asOf), a recording-time
// field (knownAt) to see what the log knew at a past moment, and a switch for vaguely dated developments.
import { markup } from './markup.js';
import { useEffect, useState } from 'preact/hooks';
import {
  DAY_MS,
  formatDay,
  formatDayLong,
  formatRecorded,
  parseDayText,
  parseRecordedText,
} from './dates.js';

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Month labels under the slider, each at least a few characters' room from the last; January carries its year. */
const LABEL_GAP_PERCENT = 11;
const MonthLabels = ({ bounds, ticks }) => {
  const span = Math.max(1, bounds.max - bounds.min);
  let last = -Infinity;
  const shown = ticks.filter((tick) => {
    const at = ((tick - bounds.min) / span) * 100;
    if (at - last < LABEL_GAP_PERCENT || at > 100 - LABEL_GAP_PERCENT / 2) return false;
    last = at;
    return true;
  });
  return markup`
    <div class="month-labels" aria-hidden="true">
      ${shown.map((tick) => {
        const date = new Date(tick * DAY_MS);
        const january = date.getUTCMonth() === 0;
        return markup`<span key=${tick} style=${`left: ${((tick - bounds.min) / span) * 100}%`}>${`${SHORT_MONTHS[date.getUTCMonth()]}${january ? ` ${date.getUTCFullYear()}` : ''}`}</span>`;
      })}
    </div>
  `;
};

/** A text field in the page's own date format: what is typed is kept until it reads as a date, then applied. */
const useEditedText = (shown) => {
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  return [text, setText];
};

/** First day of every month in the slider's span: tick marks users can aim at. */
const monthTicks = (min, max) => {
  const ticks = [];
  const first = new Date(min * DAY_MS);
  let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1);
  while (month <= max * DAY_MS) {
    ticks.push(month / DAY_MS);
    const date = new Date(month);
    month = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return ticks;
};

const knownAtHelp = (knownAt, recordedSpan) =>
  `${knownAt === '' ? 'Empty: everything the log holds now.' : `Only what had been recorded by ${formatRecorded(knownAt)}.`}${
    recordedSpan
      ? ` The log was recorded from ${formatRecorded(recordedSpan.first)} to ${formatRecorded(recordedSpan.last)}.`
      : ''
  }`;

/**
 * The time controls in two parts, so the headline sits between them: `part="date"` the slider and the date it
 * shows, `part="options"` the date field, the steps, the recording time and the certainty switch.
 */
export const Controls = ({
  bounds,
  dayNumber,
  onDayNumber,
  onStep,
  knownAt,
  onKnownAt,
  recordedSpan,
  certainOnly,
  onCertainOnly,
  part,
}) => {
  const clamp = (value) => Math.min(bounds.max, Math.max(bounds.min, value));
  const [dateInput, setDateInput] = useEditedText(formatDay(dayNumber * DAY_MS));
  const [knownAtInput, setKnownAtInput] = useEditedText(knownAt === '' ? '' : formatRecorded(knownAt));
  const dateValid = parseDayText(dateInput) !== undefined;
  const knownAtValid = knownAtInput.trim() === '' || parseRecordedText(knownAtInput) !== undefined;
  const onDateInput = (event) => {
    setDateInput(event.currentTarget.value);
    const day = parseDayText(event.currentTarget.value);
    if (day !== undefined) onDayNumber(clamp(day));
  };
  const onKnownAtChange = (event) => {
    const text = event.currentTarget.value;
    if (text.trim() === '') return onKnownAt('');
    const parsed = parseRecordedText(text);
    if (parsed !== undefined) onKnownAt(parsed);
    return undefined;
  };
  const dateText = formatDayLong(dayNumber * DAY_MS);
  const ticks = monthTicks(bounds.min, bounds.max);
  if (part === 'date')
    return markup`
    <form class="controls" aria-label="Moving through time" onSubmit=${(event) => event.preventDefault()}>
      <div class="as-of">
        <div class="as-of-title">
          <label for="as-of-slider">Date shown</label>
          <output for="as-of-slider" class="as-of-value" aria-hidden="true">${dateText}</output>
        </div>
        <input
          id="as-of-slider"
          type="range"
          min=${bounds.min}
          max=${bounds.max}
          step="1"
          value=${dayNumber}
          list="month-ticks"
          aria-valuetext=${dateText}
          aria-describedby="as-of-help"
          onInput=${(event) => onDayNumber(Number(event.currentTarget.value))}
        />
        <datalist id="month-ticks">
          ${ticks.map((tick) => markup`<option key=${tick} value=${tick}></option>`)}
        </datalist>
        <${MonthLabels} bounds=${bounds} ticks=${ticks} />
        <div class="slider-ends">
          <span>${formatDay(bounds.min * DAY_MS)}</span>
          <span id="as-of-help" class="help">Views as of the end of that day (UTC). Arrow keys: a day; Page Up/Down: a larger step; Home/End: the first and last development.</span>
          <span>${formatDay(bounds.max * DAY_MS)}</span>
        </div>
      </div>
    </form>
  `;
  return markup`
    <form class="controls controls-more" aria-label="More about time" onSubmit=${(event) => event.preventDefault()}>
      <div class="control-row">
        <div class="field">
          <label for="as-of-date">Date</label>
          <input
            id="as-of-date"
            type="text"
            inputmode="text"
            autocomplete="off"
            placeholder="27 Dec 2024"
            value=${dateInput}
            aria-invalid=${dateValid ? undefined : 'true'}
            aria-describedby="as-of-date-help"
            onInput=${onDateInput}
            onBlur=${() => setDateInput(formatDay(dayNumber * DAY_MS))}
          />
          <span id="as-of-date-help" class="help">${dateValid ? 'Day Month Year, e.g. 27 Dec 2024' : 'Not a day: write it as 27 Dec 2024'}</span>
        </div>
        <div class="field buttons">
          <button type="button" onClick=${() => onStep(-1)}>Previous development</button>
          <button type="button" onClick=${() => onStep(1)}>Next development</button>
        </div>
        <div class="field">
          <label for="known-at">Known at (recording time, UTC)</label>
          <input
            id="known-at"
            type="text"
            autocomplete="off"
            placeholder="1 Jan 2025, 08:00:00 UTC"
            value=${knownAtInput}
            aria-invalid=${knownAtValid ? undefined : 'true'}
            aria-describedby="known-at-help"
            onInput=${(event) => {
              setKnownAtInput(event.currentTarget.value);
              const parsed = parseRecordedText(event.currentTarget.value);
              if (parsed !== undefined) onKnownAt(parsed);
            }}
            onChange=${onKnownAtChange}
          />
        </div>
        <div class="field buttons">
          <button type="button" disabled=${knownAt === ''} onClick=${() => onKnownAt('')}>Show everything recorded</button>
        </div>
        <div class="field checkbox">
          <input
            id="certain-only"
            type="checkbox"
            checked=${certainOnly}
            onChange=${(event) => onCertainOnly(event.currentTarget.checked)}
          />
          <label for="certain-only">Count only what surely happened by then</label>
        </div>
      </div>
      <p id="known-at-help" class="help">${`${knownAtValid ? '' : 'Not a time: write it as 1 Jan 2025, 08:00:00 UTC. '}${knownAtHelp(knownAt, recordedSpan)}`}</p>
    </form>
  `;
};
