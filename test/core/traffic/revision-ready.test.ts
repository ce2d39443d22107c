import { describe, expect, it } from 'vitest';
import { revisionReadyStatus, type ReadyStatus, type RevisionReadyInput } from '../../../src/core/traffic/index.js';

describe('revisionReadyStatus (a Revision\'s Ready: ResourcesAvailable and ContainerHealthy, not Active)', () => {
  const cases: Array<[string, RevisionReadyInput, ReadyStatus]> = [
    ['deploying: scale target not initialized, nothing False', { scaleTargetInitialized: false, resourcesAvailableFalse: false, containerHealthyFalse: false }, 'Unknown'],
    ['initialized, nothing False (scaled to zero or not)', { scaleTargetInitialized: true, resourcesAvailableFalse: false, containerHealthyFalse: false }, 'True'],
    ['initialized, then a crash loop with no pod available', { scaleTargetInitialized: true, resourcesAvailableFalse: false, containerHealthyFalse: true }, 'False'],
    ['initialized, then the progress deadline passed', { scaleTargetInitialized: true, resourcesAvailableFalse: true, containerHealthyFalse: false }, 'False'],
    ['never initialized, progress deadline passed', { scaleTargetInitialized: false, resourcesAvailableFalse: true, containerHealthyFalse: false }, 'False'],
    ['never initialized, crash loop', { scaleTargetInitialized: false, resourcesAvailableFalse: false, containerHealthyFalse: true }, 'False'],
    ['both False', { scaleTargetInitialized: true, resourcesAvailableFalse: true, containerHealthyFalse: true }, 'False'],
  ];
  it.each(cases)('%s → %s', (_name, input, want) => {
    expect(revisionReadyStatus(input)).toBe(want);
  });
});
