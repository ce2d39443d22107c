/**
 * For the few tests that must run on the real clock: wait for a condition instead of a fixed
 * time, so a busy machine only makes them slower, never wrong. The deadline is generous; it
 * only turns a hang into a failure that says what was awaited.
 */
export async function until(what: string, cond: () => boolean, timeoutSeconds = 30, pollSeconds = 0.02): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutSeconds} s for ${what}`);
    await new Promise((r) => setTimeout(r, pollSeconds * 1000));
  }
}
