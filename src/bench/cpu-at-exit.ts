/**
 * Preloaded (`node --import`) into a process the bench measures: at exit it writes the
 * process's own CPU seconds (user + system, every thread, since the process started) and
 * peak RSS to the file named by KNSIM_BENCH_CPU_FILE. A parent cannot read a child's
 * rusage from node (process.resourceUsage() has no children), so the child reports it.
 */
import { writeFileSync } from 'node:fs';

const file = process.env['KNSIM_BENCH_CPU_FILE'];
if (file !== undefined && file !== '') {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userSeconds: u.userCPUTime / 1e6, systemSeconds: u.systemCPUTime / 1e6, peakRssMB: Math.round(u.maxRSS / 1024) }));
  });
}
