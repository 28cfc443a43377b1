// Dates as the reports give them. News is vague ("in June", "earlier this week"): an occurrence is an
// interval, shown at its own precision, never as a guessed day. Everything is UTC, like the API.

export const DAY_MS = 86_400_000;

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const shortMonth = (monthIndex) => MONTH_NAMES[monthIndex].slice(0, 3);

const dayMs = (text) =>
  Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)));

/** The half-open interval [startMs, endMs) an occurrence denotes, as the server computes it. */
export const occurrenceInterval = (occurredAt, precision) => {
  switch (precision) {
    case 'instant': {
      const ms = Date.parse(occurredAt);
      return { startMs: ms, endMs: ms + 1 };
    }
    case 'day':
      return { startMs: dayMs(occurredAt), endMs: dayMs(occurredAt) + DAY_MS };
    case 'month': {
      const [year, month] = occurredAt.split('-').map(Number);
      return { startMs: Date.UTC(year, month - 1, 1), endMs: Date.UTC(year, month, 1) };
    }
    case 'range': {
      const [from, to] = occurredAt.split('/');
      return { startMs: dayMs(from), endMs: dayMs(to) + DAY_MS };
    }
    default:
      throw new Error(`unknown precision ${precision}`);
  }
};

/** Days since 1970-01-01 (UTC): the slider's unit. */
export const dayNumberOf = (ms) => Math.floor(ms / DAY_MS);
export const isoDayOf = (dayNumber) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
export const dayNumberOfIso = (isoDay) => dayNumberOf(dayMs(isoDay));

/** "4 Jul 2024" */
export const formatDay = (ms) => {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${shortMonth(date.getUTCMonth())} ${date.getUTCFullYear()}`;
};

/** "4 July 2024", for screen readers and headings. */
export const formatDayLong = (ms) => {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
};

/** "July 2024" */
export const formatMonth = (ms) => {
  const date = new Date(ms);
  return `${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
};

/** "2024-07" */
export const monthKeyOf = (ms) => new Date(ms).toISOString().slice(0, 7);

/** "1–3 Jul 2024", "6 Jul – 8 Aug 2024", "1 Nov 2023 – 31 May 2024" */
const formatRange = (startMs, lastDayMs) => {
  const start = new Date(startMs);
  const last = new Date(lastDayMs);
  if (start.getUTCFullYear() !== last.getUTCFullYear())
    return `${formatDay(startMs)} – ${formatDay(lastDayMs)}`;
  if (start.getUTCMonth() !== last.getUTCMonth())
    return `${start.getUTCDate()} ${shortMonth(start.getUTCMonth())} – ${formatDay(lastDayMs)}`;
  return `${start.getUTCDate()}–${formatDay(lastDayMs)}`;
};

/** An occurrence at its own precision: "4 Jul 2024", "June 2024", "1–3 Jul 2024", "4 Jul 2024, 10:30 UTC". */
export const formatOccurrence = (occurredAt, precision) => {
  const { startMs, endMs } = occurrenceInterval(occurredAt, precision);
  switch (precision) {
    case 'instant':
      return `${formatDay(startMs)}, ${new Date(startMs).toISOString().slice(11, 16)} UTC`;
    case 'day':
      return formatDay(startMs);
    case 'month':
      return formatMonth(startMs);
    case 'range':
      return formatRange(startMs, endMs - DAY_MS);
    default:
      return occurredAt;
  }
};

/** A month or a range: the report does not say on which day it happened. */
export const isVague = (precision) => precision === 'month' || precision === 'range';

/** A date or a date-time as published, keeping the publisher's zone rather than converting it. */
export const formatPublished = (text) => {
  if (text.length === 10) return formatDay(dayMs(text));
  const zone = /(Z|[+-]\d{2}:\d{2})$/.exec(text)?.[1] ?? '';
  return `${formatDay(dayMs(text))}, ${text.slice(11, 16)} ${zone === 'Z' ? 'UTC' : zone}`;
};

/** A recording time (always UTC ISO from the store), to the second. */
export const formatRecorded = (iso) => `${formatDay(Date.parse(iso))}, ${iso.slice(11, 19)} UTC`;

const MONTH_INDEX = Object.fromEntries(
  MONTH_NAMES.map((name, index) => [name.slice(0, 3).toLowerCase(), index]),
);

/**
 * Reads a day as this page writes it ("27 Dec 2024", "27 December 2024") or in ISO ("2024-12-27"); the
 * day number, or undefined when it is not a real day.
 */
export const parseDayText = (text) => {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const written = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(trimmed);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])]
    : written
      ? [Number(written[3]), MONTH_INDEX[written[2].toLowerCase()], Number(written[1])]
      : [];
  if (year === undefined || month === undefined) return undefined;
  const ms = Date.UTC(year, month, day);
  const date = new Date(ms);
  return date.getUTCDate() === day && date.getUTCMonth() === month ? dayNumberOf(ms) : undefined;
};

/**
 * Reads a recording time as this page writes it ("1 Jan 2024, 00:00:00 UTC", seconds and "UTC" optional) or
 * in ISO ("2024-01-01T00:00"); an ISO instant in UTC, or undefined.
 */
export const parseRecordedText = (text) => {
  const trimmed = text.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?$/.exec(trimmed);
  const written = /^(.+?),?\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s*UTC)?$/.exec(trimmed);
  const parts = iso ?? written;
  const day = parts ? parseDayText(parts[1]) : parseDayText(trimmed);
  if (day === undefined) return undefined;
  const [hours, minutes, seconds] = parts ? [parts[2], parts[3], parts[4] ?? '00'] : ['00', '00', '00'];
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  return `${isoDayOf(day)}T${hours}:${minutes}:${seconds}Z`;
};
