import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { installed, requireOptional } from '../../src/cli/optional-deps.js';

describe('installed', () => {
  it.each([
    ['vega', true], // exports "." only: found through the export check
    ['vega-lite', true],
    ['@kubernetes/client-node', true],
    ['dejavu-fonts-ttf', true], // no exports field
    ['opentype.js', true], // no exports field, a dot in its name
    ['esbuild', true],
    ['knsim-no-such-package', false],
  ])('%s → %s', (name, want) => {
    expect(installed(name)).toBe(want);
  });
});

describe('requireOptional', () => {
  it('passes when every package of the feature is installed', () => {
    expect(() => requireOptional('charts', () => true)).not.toThrow();
    expect(() => requireOptional('kubernetes', () => true)).not.toThrow();
    expect(() => requireOptional('autoscalerModules', () => true)).not.toThrow();
  });

  it.each([
    [
      'charts',
      ['@resvg/resvg-js'],
      'charts and report.html need @resvg/resvg-js: run npm install @resvg/resvg-js@^2.6.2, or pass --no-report',
    ],
    [
      'charts',
      ['vega', 'dejavu-fonts-ttf'],
      'charts and report.html need vega, dejavu-fonts-ttf: run npm install vega@^6.4.0 dejavu-fonts-ttf@^2.37.3, or pass --no-report',
    ],
    [
      'charts',
      ['opentype.js'],
      'charts and report.html need opentype.js: run npm install opentype.js@^2.0.0, or pass --no-report',
    ],
    [
      'kubernetes',
      ['@kubernetes/client-node'],
      'knsim controller and knsim rollout need @kubernetes/client-node: run npm install @kubernetes/client-node@~1.4.0',
    ],
    ['autoscalerModules', ['esbuild'], 'autoscaler modules need esbuild: run npm install esbuild@^0.28.2'],
  ] as const)('%s without %j: a UsageError naming only the missing packages at their declared ranges', (feature, missing, message) => {
    let err: unknown;
    try {
      requireOptional(feature, (n) => !(missing as readonly string[]).includes(n));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(message);
  });
});
