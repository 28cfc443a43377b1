/**
 * Long work on the event loop done in bounded slices: between two slices, pending I/O (other requests, /health,
 * writes) is served. A resolved promise does not let I/O run; setImmediate does.
 */

/** Waits for the next turn of the event loop, after pending I/O callbacks have run. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Milliseconds of work per slice by default: short beside the latency a client of /health is promised. */
export const DEFAULT_SLICE_MS = 8;

export interface Slicer {
  /** Yields to the event loop when the current slice has run its time; cheap to call per item. */
  readonly tick: () => Promise<void> | undefined;
}

/** A slicer that lets other work run once every `sliceMs` of its caller's work. */
export const createSlicer = (sliceMs = DEFAULT_SLICE_MS): Slicer => {
  let sliceStart = performance.now();
  return {
    tick: () => {
      if (performance.now() - sliceStart < sliceMs) return undefined;
      return nextTurn().then(() => {
        sliceStart = performance.now();
      });
    },
  };
};

/** Events read per page by a fold done in slices (one page is a few milliseconds of work). */
export const LOAD_SLICE = 1_000;

/** Developments folded per call when checkpoints are built ahead of a query. */
const CHECKPOINTS_PER_STEP = 256;

/**
 * Builds a log's checkpoints in slices, so the first query of a long log does not fold it all in one turn of the
 * event loop. The answers do not change: checkpoints are a cache of the fold.
 */
export const warmCheckpoints = async (
  log: { readonly developments: { readonly length: number }; stateAfter(count: number): unknown },
  slicer: Slicer = createSlicer(),
): Promise<void> => {
  for (let count = CHECKPOINTS_PER_STEP; count <= log.developments.length; count += CHECKPOINTS_PER_STEP) {
    log.stateAfter(count);
    const pause = slicer.tick();
    if (pause !== undefined) await pause;
  }
};
