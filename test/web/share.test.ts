/** Share links: a scenario, seed and duration survive the URL fragment unchanged. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overrideFields } from '../../web/src/fields.js';
import { decodeShare, durationField, encodeShare, type SharedRun } from '../../web/src/share.js';
import { root } from '../support/cli.js';

const hello = readFileSync(join(root, 'scenarios/hello-world.yaml'), 'utf8');

describe('share links', () => {
  it.each<[string, SharedRun]>([
    ['a shipped scenario with a seed', { text: hello, seed: 7, durationSeconds: undefined }],
    ['a duration override and seed 0', { text: hello, seed: 0, durationSeconds: 90 }],
    ['no seed (the scenario\'s own)', { text: 'name: x\n', seed: undefined, durationSeconds: undefined }],
    ['non-ASCII text, quotes and an empty line', { text: 'name: "é — 🙂"\n\n# «comment» &x=1#y\n', seed: 123456789, durationSeconds: 0.5 }],
  ])('%s round-trips', async (_name, run) => {
    const frag = await encodeShare(run);
    // Only URL-safe characters: the fragment is pasted and linked as is.
    expect(frag).toMatch(/^[A-Za-z0-9_.=&%-]+$/);
    expect(await decodeShare(`#${frag}`)).toEqual(run);
  });

  it('compresses: the hello-world link is much shorter than its text', async () => {
    const frag = await encodeShare({ text: hello, seed: 1, durationSeconds: undefined });
    expect(frag.length).toBeLessThan(hello.length * 0.75);
  });

  it('a fragment without a scenario is no run; a damaged one is an error naming the link', async () => {
    expect(await decodeShare('#')).toBeUndefined();
    expect(await decodeShare('#seed=3')).toBeUndefined();
    await expect(decodeShare('#s=v9.abc')).rejects.toThrow(/^share link: unknown format "v9"$/);
    const frag = await encodeShare({ text: hello, seed: 1, durationSeconds: undefined });
    await expect(decodeShare(frag.replace('seed=1', 'seed=x'))).rejects.toThrow(/^share link: seed must be a number, got "x"$/);
  });

  it.each(['100ns', '999ns', '1us', '1.5ms', '333333333ns', '90s', '1h30m', '2562047h'])('a duration field of %s reads back from the link as the same seconds', async (typed) => {
    const { durationSeconds } = overrideFields('', typed);
    const shared = await decodeShare(`#${await encodeShare({ text: hello, seed: undefined, durationSeconds })}`);
    const field = durationField(shared!.durationSeconds!);
    // The page puts this text in the field; a Run reads it as --duration would.
    expect(overrideFields('', field).durationSeconds).toBe(durationSeconds);
  });
});
