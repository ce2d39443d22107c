/** The free space `knsim run` checks the run's files against (output-space.ts). */
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FreeSpace } from './output-space.js';

/** Free bytes on the filesystem of `dir`, or of its nearest existing ancestor (the output directory may not exist yet). */
export const statfsFreeSpace: FreeSpace = (dir) => {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      // A filesystem that reports no size at all (some pseudo and FUSE ones) cannot say what fits.
      return s.blocks === 0 ? undefined : s.bavail * s.bsize;
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
};
