/** The run's pod cap (WorldSpec.podLimit) was reached: a revision asked for more pods than the run may hold. */
export class PodLimitExceeded extends Error {
  constructor(
    readonly revision: string,
    readonly replicas: number,
    readonly limit: number,
    readonly atSeconds: number,
    /** Pods that count against the cap besides the revision's live ones: terminating, or of other revisions. */
    readonly others = 0,
  ) {
    super(`revision ${revision} asked for ${replicas} replicas at ${atSeconds} s, more pods than the limit of ${limit}`);
  }
}
