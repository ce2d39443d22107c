/**
 * The names Knative gives unnamed containers: knative.dev/pkg kmeta.ChildName for numbered
 * names, the template as is for a lone container. The digests below were computed apart from
 * knsim (`printf %s NAME | md5sum`), following kmeta/names.go's rule: past 63 bytes, the parent
 * is cut to 31 − len(suffix) bytes and its MD5 in hex and the suffix follow.
 */
import { describe, expect, it } from 'vitest';
import { childName, containerNameErrors, defaultContainerNames } from '../../src/scenario/container-names.js';

const A62 = 'a'.repeat(62);
const MD5_A62 = '24612f0ce2c9d2cf2b022ef1e027a54f';
// "hello-" and 56 x's: what "{{.Name}}-xxx…" gives for the Service hello.
const HELLO62 = `hello-${'x'.repeat(56)}`;
const MD5_HELLO62 = '3c349d56d3b46963c5b43aafc41f69a3';

describe('childName (kmeta.ChildName)', () => {
  it.each([
    { what: 'a short name is parent + suffix', parent: 'user-container', suffix: '-0', want: 'user-container-0' },
    { what: '63 characters exactly are kept', parent: 'a'.repeat(61), suffix: '-0', want: `${'a'.repeat(61)}-0` },
    // knsim kept these 64 characters, which Kubernetes refuses as a container name.
    { what: '64 characters: 29 of the parent, its MD5, the suffix', parent: A62, suffix: '-0', want: `${'a'.repeat(29)}${MD5_A62}-0` },
    { what: 'a longer suffix leaves less of the parent', parent: A62, suffix: '-10', want: `${'a'.repeat(28)}${MD5_A62}-10` },
    { what: 'a template with the Service name', parent: HELLO62, suffix: '-1', want: `hello-${'x'.repeat(23)}${MD5_HELLO62}-1` },
    {
      // A suffix of 31 bytes or more: the MD5 of parent + suffix after 31 bytes of the parent.
      what: 'a suffix too long to keep',
      parent: 'a'.repeat(40),
      suffix: `-${'b'.repeat(31)}`,
      want: `${'a'.repeat(31)}28367e3ab103f0bf193ef5b57628a071`,
    },
    {
      // Padded to 63 with the suffix's start ("-" + 26 x's + "-"), whose last '-' is then cut.
      what: 'a short parent with a very long suffix',
      parent: 'abc',
      suffix: `-${'x'.repeat(26)}-${'y'.repeat(36)}`,
      want: `abcf4e48aecc6b8643e601d172489013983-${'x'.repeat(26)}`,
    },
  ])('$what', ({ parent, suffix, want }) => {
    const got = childName(parent, suffix);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(63);
  });
});

describe('defaultContainerNames (applyDefaultContainerNames)', () => {
  it.each([
    { what: 'a lone unnamed container gets the template, however long', names: [undefined], taken: [], base: `${A62}xx`, want: [[0, `${A62}xx`]] },
    { what: 'several are numbered', names: [undefined, 'side', undefined], taken: ['side'], base: 'user-container', want: [[0, 'user-container-0'], [2, 'user-container-1']] },
    { what: 'a lone one whose name is taken is numbered', names: [undefined], taken: ['user-container'], base: 'user-container', want: [[0, 'user-container-0']] },
    { what: 'numbers the user took are skipped', names: [undefined, 'user-container-0', undefined], taken: ['user-container-0'], base: 'user-container', want: [[0, 'user-container-1'], [2, 'user-container-2']] },
    { what: 'numbered names past 63 characters are hashed', names: [undefined, undefined], taken: [], base: A62, want: [[0, `${'a'.repeat(29)}${MD5_A62}-0`], [1, `${'a'.repeat(29)}${MD5_A62}-1`]] },
  ])('$what', ({ names, taken, base, want }) => {
    expect([...defaultContainerNames(names, new Set(taken), base)]).toEqual(want);
  });
});

describe('containerNameErrors (IsDNS1123Label)', () => {
  it.each([
    { name: `${'a'.repeat(29)}${MD5_A62}-0`, errs: 0 },
    { name: 'a'.repeat(64), errs: 1 },
    { name: 'User_Container', errs: 1 },
    { name: `-${'a'.repeat(63)}`, errs: 2 },
  ])('$name: $errs problem(s)', ({ name, errs }) => {
    expect(containerNameErrors(name)).toHaveLength(errs);
  });
});
