import type { HistoryEntry } from '../application/audit';
import type { DiffView, Inclusion, IssuesView, PhasesView, StatusView, TimelineEntry } from '../projections';

/**
 * The bodies the view endpoints answer with, as TypeScript types: the one definition their published schemas
 * (src/api/view-schemas.json, `npm run schemas:generate`), the OpenAPI document and the typed client come from.
 */

interface Answered {
  readonly negotiationId: string;
  /** The revision the answer was built from (its ETag): for a knownAt, the last one recorded by then. */
  readonly revision: number;
}

/** The moment asked about, echoed as given. */
interface MomentAsked {
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly include?: Inclusion;
}

export interface ViewShapes {
  readonly StatusAnswer: Answered &
    MomentAsked & { readonly deadlines?: 'live' | 'all'; readonly status: StatusView };
  readonly IssuesAnswer: Answered & MomentAsked & { readonly state?: 'open' | 'all' } & IssuesView;
  readonly PhasesAnswer: Answered & MomentAsked & PhasesView;
  readonly TimelineAnswer: Answered & {
    readonly from?: string;
    readonly to?: string;
    readonly knownAt?: string;
    readonly timeline: readonly TimelineEntry[];
  };
  readonly DiffAnswer: Answered & {
    readonly from: string;
    readonly to: string;
    readonly knownAt?: string;
    readonly include?: Inclusion;
  } & DiffView;
  readonly HistoryPage: Answered & {
    readonly history: readonly HistoryEntry[];
    /** Whether every entry's hash matches its content and chains to the one before. */
    readonly verified: boolean;
    readonly next?: string;
  };
}
