/**
 * Long work on the event loop done in bounded slices: between two slices, pending I/O (other requests, /health,
 * writes) is served. A resolved promise does not let I/O run; setImmediate does.
 */

const waiting: Array<() => void> = [];
let scheduled = false;

/**
 * After each slice of long work the loop rests this long before the next one: requests that arrive meanwhile
 * are served at once, and long work takes at most about two thirds of the loop however many run.
 */
const REST_MS = 2;

const resumeOne = () => {
  scheduled = false;
  waiting.shift()?.();
  if (waiting.length > 0) schedule();
};

const schedule = () => {
  if (scheduled) return;
  scheduled = true;
  setTimeout(resumeOne, REST_MS);
};

/**
 * Waits for a later turn of the event loop, after pending I/O callbacks have run. Long works waiting at once take
 * turns, one slice per turn: however many run, a request waits behind one slice, not one of each.
 */
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    schedule();
  });

/** Milliseconds of work per slice by default: short beside the latency a client of /health is promised. */
export const DEFAULT_SLICE_MS = 4;

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

/** Lean events read per page by a fold done in slices (one page is a few milliseconds of work). */
export const LOAD_SLICE = 500;

/** Full events read per page (each is decoded and checked, many times the work of a lean one). */
export const FULL_LOAD_SLICE = 50;

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
