import { endOfDateOrDateTime } from '../../domain';
import { Evidence, defined } from '../evidence';

/** A fixed term: in force (or in effect) until the end of `endsOn`, unless extended or renewed before then. */
export interface Term {
  readonly endsOn: string;
  readonly evidence: Evidence;
  readonly extendedBy?: readonly string[];
  readonly reason?: string;
}

/** Something with a term: the current one, and the ends it replaced (each extension or renewal). */
export interface Termed {
  readonly term?: Term;
  readonly earlierTerms: readonly Term[];
}

export const termOf = (endsOn: string | undefined, evidence: Evidence): Pick<Termed, 'term'> =>
  endsOn === undefined ? {} : { term: { endsOn, evidence } };

/** The earlier terms once the current one is replaced: it joins them (it was not missed). */
export const retiredTerms = (current: Termed): readonly Term[] =>
  current.term === undefined ? current.earlierTerms : [...current.earlierTerms, current.term];

/** The new end replaces the old one, which is kept among the earlier terms. */
export const extendedTerm = (
  current: Termed,
  endsOn: string,
  evidence: Evidence,
  extension: { readonly extendedBy?: readonly string[]; readonly reason?: string },
): Termed => ({
  term: { endsOn, evidence, ...defined(extension) },
  earlierTerms: retiredTerms(current),
});

/** Whether a term has run out by `asOfMs` (its last day is over). */
export const hasRunOut = (term: Term | undefined, asOfMs: number): term is Term =>
  term !== undefined && endOfDateOrDateTime(term.endsOn) < asOfMs;
