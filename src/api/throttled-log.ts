import type { Logger } from 'pino';

/** How often a repeated notice is logged in full; the repeats in between are counted in one summary line. */
export const NOTICE_WINDOW_MS = 10_000;

export interface Notices {
  /** Logs the notice, or counts it when one of its kind was logged within the window. */
  readonly notice: (kind: string, fields: Record<string, unknown>, message: string) => void;
}

/**
 * Warnings about clients (timeouts, refused connections) that an attack can produce by the thousand a second:
 * the first of a kind in each window is logged whole, the rest as one line with their count.
 */
export const createNotices = (logger: Logger | undefined, windowMs = NOTICE_WINDOW_MS): Notices => {
  const repeats = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    for (const [kind, count] of repeats)
      if (count > 0) logger?.warn({ kind, count }, `${count} more ${kind} in the last ${windowMs / 1000} s`);
    repeats.clear();
  };
  return {
    notice: (kind, fields, message) => {
      if (logger === undefined) return;
      const seen = repeats.get(kind);
      if (seen === undefined) {
        logger.warn({ kind, ...fields }, message);
        repeats.set(kind, 0);
      } else repeats.set(kind, seen + 1);
      if (timer === undefined) {
        timer = setTimeout(flush, windowMs);
        timer.unref();
      }
    },
  };
};
