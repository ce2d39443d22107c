/** `knsim controller -l`: label selectors checked as the API server parses them, before any connection. */
import { describe, expect, it } from 'vitest';
import { labelSelectorError } from '../../src/adapter/label-selector.js';

describe('labelSelectorError', () => {
  it.each([
    '',
    'app',
    '!canary',
    'app=hello',
    'app==hello',
    'tier!=',
    'app=hello,tier=web',
    ' app = hello , tier != web ',
    'env in (prod,staging)',
    'env notin (dev)',
    'env in (a,)',
    'replicas>3',
    'replicas < -1',
    'serving.knative.dev/service=hello',
    'app=x,tier!=,!canary,env in (a,),n>3',
  ])('accepts %j', (selector) => {
    expect(labelSelectorError(selector)).toBeUndefined();
  });

  it.each([
    { selector: 'app=(x', rule: 'expected "," or the end after a requirement, found "("' },
    { selector: 'app=a b', rule: 'expected "," or the end after a requirement, found "b"' },
    { selector: 'app,,x', rule: 'expected a label key, found ","' },
    { selector: 'app,', rule: 'expected a requirement after the last ","' },
    { selector: '!', rule: 'expected a label key after "!", found the end' },
    { selector: '!app=x', rule: 'expected "," or the end after a requirement, found "="' },
    { selector: 'env in ()', rule: 'the values of "env in" must not be empty' },
    { selector: 'env in prod', rule: 'expected "(" after in, found "prod"' },
    { selector: 'env notin (a b)', rule: 'expected "," or ")" in the values of notin, found "b"' },
    { selector: 'env in (a', rule: 'expected "," or ")" in the values of in, found the end' },
    { selector: 'n>y', rule: '"n >" needs a whole number, found "y"' },
    { selector: 'app=-x', rule: `invalid label value "-x": must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character` },
    { selector: `app=${'v'.repeat(64)}`, rule: `invalid label value "${'v'.repeat(39)}…": must be no more than 63 characters` },
    { selector: 'a/b/c=x', rule: `invalid label key "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')` },
    { selector: '/x=1', rule: 'invalid label key "/x": prefix part must be non-empty' },
  ])('refuses $selector', ({ selector, rule }) => {
    expect(labelSelectorError(selector)).toBe(rule);
  });
});
