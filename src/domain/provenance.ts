import * as t from 'io-ts';
import { Name, Text, nonEmptyArray, oneOf, strictObject } from './codecs';
import { DateOrDateTime } from './time';

/** Who said it: a named person, or the anonymous descriptor the outlet used ("senior administration official"). */
export const Attribution = strictObject(
  'Attribution',
  { kind: oneOf('AttributionKind', ['named', 'anonymous', 'institution', 'outlet'] as const) },
  { name: Name, role: Name, descriptor: Name, affiliation: Name },
);
export type Attribution = t.TypeOf<typeof Attribution>;

const HTTP_URL = /^https?:\/\/[^\s]{1,2000}$/;
const Url = new t.Type<string, string, unknown>(
  'Url',
  (u): u is string => typeof u === 'string' && HTTP_URL.test(u),
  (u, c) =>
    typeof u === 'string' && HTTP_URL.test(u) ? t.success(u) : t.failure(u, c, 'must be an http(s) URL'),
  t.identity,
);

/** One report that supports an event: where it was published, when, the words, and whose words they are. */
export const Source = strictObject(
  'Source',
  { outlet: Name, title: Text, publishedAt: DateOrDateTime, quote: Text, attribution: Attribution },
  { url: Url, article: Name },
);
export type Source = t.TypeOf<typeof Source>;

export const Sources = nonEmptyArray(Source, 'Sources', 20);

export const CONFIDENCES = ['confirmed', 'reported', 'claimed', 'disputed'] as const;
export const Confidence = oneOf('Confidence', CONFIDENCES);
export type Confidence = t.TypeOf<typeof Confidence>;
