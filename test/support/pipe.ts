/**
 * Named pipes for the tests of inputs that must be regular files. A pipe with no writer blocks
 * its reader's open for ever, which a test cannot survive; so each pipe here has a writer (a
 * child process that writes `content` into it once a reader opens it). Code that reads the pipe
 * gets the content and goes on; code that refuses it leaves the writer waiting, and
 * stopPipeWriters ends it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const writers: ChildProcess[] = [];

/** Whether this machine has mkfifo (not Windows). */
export const HAS_MKFIFO = ((): boolean => {
  try {
    execFileSync('sh', ['-c', 'command -v mkfifo'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Makes a named pipe at `path` whose writer writes `content` to the first reader. */
export function pipeWithWriter(path: string, content: string): string {
  execFileSync('mkfifo', [path]);
  const src = `${path}.content`;
  writeFileSync(src, content);
  writers.push(spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', src, path], { stdio: 'ignore' }));
  return path;
}

/** Ends the writers still waiting for a reader (for afterEach). */
export function stopPipeWriters(): void {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
}
