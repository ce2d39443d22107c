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

