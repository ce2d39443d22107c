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
