/**
 * `knsim sweep k8s-job` checks the grid's values as `knsim sweep` would before it prints a
 * Job: a value every shard's pod would refuse (exit 2, retried up to backoffLimit, on
 * every pod) is reported here, in one line, and no manifest is written.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepJobCommand } from '../../src/cli/sweep.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { UsageError } from '../../src/cli/errors.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const RPS = 'clients[0].open.rate.steps[1].rps';

async function refused(grid: string[]): Promise<string> {
  const output = join(mkdtempSync(join(tmpdir(), 'knsim-job-check-')), 'job.yaml');
  try {
    await sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid, shards: '2', replications: '2', output });
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect(existsSync(output)).toBe(false);
    return (e as Error).message;
  }
  throw new Error('the Job was written');
}

describe('sweep k8s-job checks the grid first', () => {
  it('refuses a value no pod could run', async () => {
    expect(await refused([`${CC}=1,5000`])).toBe(`scenarios/quickstart.yaml: ${CC}: expected 0 <= 5000 <= 1000 (container-concurrency-max-limit)`);
  });

  it('refuses a value beyond the work limits', async () => {
    expect(await refused([`${CC}=1,2`, `${RPS}=30,1e9`])).toMatch(/^scenarios\/quickstart\.yaml: clients\[0\]\.open\.rate: .* exceeds the limit of 1e9 requests \(raise with --max-requests\)$/);
  });

  it('refuses shards larger than a pod runs (--shard refuses more than 1,000,000 runs)', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'knsim-job-check-')), 'job.yaml');
    // 3,595 points × 1,000 replications: shard 0 of 2 holds 1,798 points, 1,798,000 runs.
    const grid = ['configMaps.config-autoscaler.stable-window=6s..3600s:1s'];
    await expect(sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid, shards: '2', replications: '1000', output })).rejects.toThrow(
      new UsageError(`--shards: shard 0 of 2 would run 1,798 points × 1,000 replications = 1,798,000 runs, and a shard's pod runs at most 1,000,000 (--shards 4 or more, or fewer points or replications)`),
    );
    expect(existsSync(output)).toBe(false);
  });

  it("refuses more worker threads than the pod's --memory holds (its limit, not the node's memory, is what the kernel enforces)", async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'knsim-job-check-')), 'job.yaml');
    const grid = [`${CC}=1,2,3,4`];
    await expect(sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid, shards: '2', replications: '10', workers: '16', output })).rejects.toThrow(
      new UsageError(
        "--workers 16: each worker thread holds about 50 MB before its runs' own memory, so 16 need 0.8 GB, more than half of the pod's --memory 1Gi (1.1 GB), past which the kernel kills it: use --workers 10 or fewer, or more --memory",
      ),
    );
    expect(existsSync(output)).toBe(false);
    await sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid, shards: '2', replications: '10', workers: '16', memory: '2Gi', output });
    expect(readFileSync(output, 'utf8')).toMatch(/- --workers\n *- "16"\n/);
  });

  it('writes the Job of a good grid', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'knsim-job-check-')), 'job.yaml');
    await sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid: [`${CC}=1,2`, `${RPS}=30,60`], shards: '2', replications: '2', output });
    expect(existsSync(output)).toBe(true);
  });
});

describe('sweep k8s-job --image', () => {
  // The kubelet's reference grammar: a pod with any of these never runs (InvalidImageName); they were printed into the Job.
  for (const image of ['', ' ', 'registry.example.com/knsim:0.1 --privileged', 'Knsim', 'registry.example.com/Knsim:0.1.0', 'knsim:-1', `knsim:${'v'.repeat(129)}`, 'knsim@sha256:abc', 'a..b', `${'a'.repeat(256)}:1`]) {
    it(`refuses ${JSON.stringify(image.slice(0, 60))} (a Job needs an image reference the kubelet parses)`, async () => {
      await expect(sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid: [`${CC}=1,2`], image, output: join(mkdtempSync(join(tmpdir(), 'knsim-job-check-')), 'job.yaml') })).rejects.toThrow(
        `--image: must be a container image reference such as registry.example.com/knsim:0.1.0 (got ${JSON.stringify(image)})`,
      );
    });
  }
  it.each(['knsim:latest', 'registry.example.com/knsim:0.1.0', 'Registry.Example.com:5000/team/knsim_x__y-z:v1.0', `knsim@sha256:${'a'.repeat(64)}`])('takes %s', async (image) => {
    const output = join(mkdtempSync(join(tmpdir(), 'knsim-job-check-')), 'job.yaml');
    await sweepJobCommand({ scenario: 'scenarios/quickstart.yaml', grid: [`${CC}=1,2`], image, output });
    expect(readFileSync(output, 'utf8')).toContain(`image: ${image}`);
  });
});
