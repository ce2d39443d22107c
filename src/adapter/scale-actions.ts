/**
 * The `action` of a decision row whose reconcile scaled: `scale A->B` (apply), `would-scale A->B`
 * (shadow) or `dry-run A->B`, and how one row tells of a reconcile that wrote more than once.
 */

/** A scale action, `<verb> <from>-><to>` (to, then any further writes `-><to>`, or `, <from>-><to>` when someone else moved the replicas between them). */
const SCALE = /^(scale|would-scale|dry-run) (\d+(?:->\d+)+(?:, \d+(?:->\d+)+)*)$/;

/**
 * Whether a decision row's action changed (or would have changed) a Deployment's replicas:
 * `scale a->b`, `would-scale a->b` or `dry-run a->b` (or several writes in one row, `scale a->b->c`),
 * also as a config resync's (`config-autoscaler: scale a->b`). Every other action (busy, backoff,
 * read-failed, not-owned, …) is a reason nothing was scaled.
 */
export function isScaleAction(action: string): boolean {
  return SCALE.test(action.replace(/^config-(?:autoscaler|deployment): /, ''));
}

/**
 * One reconcile's action from those of its rounds (its own, then the follow-ups its PA status
 * writes run at the same instant): every scale write, in order, chained (`scale 1->2` then
 * `scale 2->3` is `scale 1->2->3`), so the row shows where the replicas started, each write and
 * where they ended; the same write again (a dry run's, which changes nothing) is said once. Without
 * a scale, the last round's action other than `none`, as before.
 */
export function reconcileAction(rounds: readonly string[]): string {
  let verb: string | undefined;
  let chain = '';
  let last: string | undefined;
  let lastWrite: string | undefined;
  for (const action of rounds) {
    const m = /^(scale|would-scale|dry-run) (\d+)->(\d+)$/.exec(action);
    // The same write again (a dry run's follow-up, the Deployment unchanged, would send it again): said once.
    if (m === null || action === lastWrite) continue;
    lastWrite = action;
    const [, v, from, to] = m;
    if (verb === undefined) {
      verb = v;
      chain = `${from}->${to}`;
    } else chain += last === from ? `->${to}` : `, ${from}->${to}`;
    last = to;
  }
  if (verb !== undefined) return `${verb} ${chain}`;
  return rounds.filter((a) => a !== 'none').at(-1) ?? 'none';
}
