// Moving through time: a day slider and a date field on the occurrence axis (asOf), a recording-time
// field (knownAt) to see what the log knew at a past moment, and a switch for vaguely dated developments.
import { markup } from './markup.js';
import { DAY_MS, dayNumberOfIso, formatDayLong, formatRecorded, isoDayOf } from './dates.js';

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

/** datetime-local speaks wall time without a zone; this page reads it as UTC and says so in the label. */
const knownAtFromInput = (value) => (value === '' ? '' : `${value.length === 16 ? `${value}:00` : value}Z`);
const knownAtToInput = (knownAt) => (knownAt === '' ? '' : knownAt.slice(0, 19));

const knownAtHelp = (knownAt, recordedSpan) =>
  `${knownAt === '' ? 'Empty: everything the log holds now.' : `Only what had been recorded by ${formatRecorded(knownAt)}.`}${
    recordedSpan
      ? ` The log was recorded from ${formatRecorded(recordedSpan.first)} to ${formatRecorded(recordedSpan.last)}.`
      : ''
  }`;

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
}) => {
  const clamp = (value) => Math.min(bounds.max, Math.max(bounds.min, value));
  const onDateInput = (event) => {
    const field = event.currentTarget;
    if (field.value !== '' && field.validity.valid) onDayNumber(clamp(dayNumberOfIso(field.value)));
  };
  const dateText = formatDayLong(dayNumber * DAY_MS);
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
          ${monthTicks(bounds.min, bounds.max).map((tick) => markup`<option key=${tick} value=${tick}></option>`)}
        </datalist>
        <div class="slider-ends">
          <span>${isoDayOf(bounds.min)}</span>
          <span id="as-of-help" class="help">Views as of the end of that day (UTC). Arrow keys: a day; Page Up/Down: a larger step; Home/End: the first and last development.</span>
          <span>${isoDayOf(bounds.max)}</span>
        </div>
      </div>
      <div class="control-row">
        <div class="field">
          <label for="as-of-date">Date</label>
          <input
            id="as-of-date"
            type="date"
            min=${isoDayOf(bounds.min)}
            max=${isoDayOf(bounds.max)}
            value=${isoDayOf(dayNumber)}
            onInput=${onDateInput}
          />
        </div>
        <div class="field buttons">
          <button type="button" onClick=${() => onStep(-1)}>Previous development</button>
          <button type="button" onClick=${() => onStep(1)}>Next development</button>
        </div>
        <div class="field">
          <label for="known-at">Known at (recording time, UTC)</label>
          <input
            id="known-at"
            type="datetime-local"
            step="1"
            value=${knownAtToInput(knownAt)}
            aria-describedby="known-at-help"
            onChange=${(event) => onKnownAt(knownAtFromInput(event.currentTarget.value))}
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
      <p id="known-at-help" class="help">${knownAtHelp(knownAt, recordedSpan)}</p>
    </form>
  `;
};
