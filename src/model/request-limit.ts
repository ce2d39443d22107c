/** The run's request cap (WorldSpec.requestLimit) was passed: the clients sent far more requests than foreseen. */
export class RequestLimitExceeded extends Error {
  constructor(
    readonly sent: number,
    readonly limit: number,
    readonly atSeconds: number,
  ) {
    super(`the clients sent ${sent} requests by ${atSeconds} s, more than the limit of ${limit}`);
  }
}

/**
 * The most requests in flight at once (sent, not yet answered) a run may hold. Each takes about
 * 500 bytes while it waits or executes, so a trace of ten million arrivals at one instant, or
 * millions of requests per second waiting for a cold start, filled V8's heap and aborted the
 * process after a minute. 2,000,000 is about 1 GB, far more than any Knative ingress holds open.
 * The default of knsim's --max-in-flight.
 */
export const DEFAULT_IN_FLIGHT_LIMIT = 2_000_000;

/** The run's cap on requests in flight at once (WorldSpec.inFlightLimit) was passed. */
export class InFlightLimitExceeded extends Error {
  constructor(
    readonly inFlight: number,
    readonly limit: number,
    readonly atSeconds: number,
    /** The client that sent the request past the cap. */
    readonly client: string,
  ) {
    super(`${inFlight} requests in flight at ${atSeconds} s, more than the limit of ${limit}`);
  }
}
