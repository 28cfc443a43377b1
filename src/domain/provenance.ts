import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { Name, Text, nonEmptyArray, oneOf, sameShapeAs, strictObject } from './codecs';
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

export const SOURCE_KINDS = ['report', 'document'] as const;

const SourceFields = strictObject(
  'Source',
  { outlet: Name, title: Text, publishedAt: DateOrDateTime },
  {
    kind: oneOf('SourceKind', SOURCE_KINDS),
    quote: Text,
    paraphrase: Text,
    attribution: Attribution,
    url: Url,
    article: Name,
  },
);

/**
 * One report or document that supports an event: where it was published, when, and either the words verbatim
 * (`quote`) or a paraphrase marked as one, with whose words they are. A document (an agreement's text, an official
 * report) may have neither a speaker nor a quote; a report must carry one of the two, never both.
 */
export const Source = sameShapeAs(
  SourceFields,
  new t.Type<t.TypeOf<typeof SourceFields>, unknown, unknown>(
    'Source',
    (u): u is t.TypeOf<typeof SourceFields> => SourceFields.is(u) && sourceProblems(u).length === 0,
    (u, c) => {
      const decoded = SourceFields.validate(u, c);
      if (E.isLeft(decoded)) return decoded;
      const problems = sourceProblems(decoded.right);
      return problems.length === 0
        ? decoded
        : t.failures(
            problems.map(({ key, message }) => ({
              value: (decoded.right as Record<string, unknown>)[key] ?? null,
              context: [...c, { key, type: t.never, actual: undefined }],
              message,
            })),
          );
    },
    SourceFields.encode,
  ),
);
export type Source = t.TypeOf<typeof Source>;

const sourceProblems = (source: t.TypeOf<typeof SourceFields>): Array<{ key: string; message: string }> => {
  if (source.quote !== undefined && source.paraphrase !== undefined)
    return [{ key: 'paraphrase', message: 'give either a verbatim quote or a paraphrase, not both' }];
  if (source.kind === 'document') return [];
  const problems: Array<{ key: string; message: string }> = [];
  if (source.quote === undefined && source.paraphrase === undefined)
    problems.push({
      key: 'quote',
      message: 'a report needs a verbatim quote or a paraphrase (kind "document" needs neither)',
    });
  if (source.attribution === undefined)
    problems.push({ key: 'attribution', message: 'is required for a report (kind "document" may omit it)' });
  return problems;
};

export const Sources = nonEmptyArray(Source, 'Sources', 20);

export const CONFIDENCES = ['confirmed', 'reported', 'claimed', 'disputed'] as const;
export const Confidence = oneOf('Confidence', CONFIDENCES);
export type Confidence = t.TypeOf<typeof Confidence>;
