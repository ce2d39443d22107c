/**
 * A timestamp as the Kubernetes API server keeps it: metav1.Time has whole seconds (its JSON is
 * RFC 3339 without a fraction, its protobuf form drops the nanoseconds), so a controller reading
 * a pod's status.startTime, a condition's lastTransitionTime or a PodMetrics timestamp sees the
 * second it fell in. The model's clock has fractions; this is what crosses the API.
 */
export function apiTime(seconds: number): number {
  // A hair of float noise below a whole second (120.9999999999) is that second.
  return Math.floor(seconds + 1e-9);
}


/**
 * How long before t = 0 a pod running when the run starts (initialPods, the activators) was
 * started, as the controllers that read status.startTime see it: its real start is unknown and
 * long past, beyond every start-up window they apply (the HPA's 300 s CPU initialization period).
 */
export const LONG_AGO_SECONDS = 3600;
