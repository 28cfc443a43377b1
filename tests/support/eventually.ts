/**
 * Polls until a condition holds, failing after the bound: for behaviour that is promised within a delay (one
 * instance seeing another's append), never as a measure of speed.
 */
export const eventually = async (
  boundMs: number,
  condition: () => Promise<boolean> | boolean,
): Promise<void> => {
  const deadline = Date.now() + boundMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
