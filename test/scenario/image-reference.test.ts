/**
 * go-containerregistry's name.ParseReference with WeakValidation, as Knative's webhook calls
 * it on a container's image (pkg/name: ref.go, tag.go, digest.go, repository.go, registry.go;
 * the registry through Go's net/url). The expected outcomes follow those rules by hand.
 */
import { describe, expect, it } from 'vitest';
import { imageReferenceError } from '../../src/scenario/image-reference.js';

const HEX64 = 'a'.repeat(64);

describe('imageReferenceError', () => {
  it.each([
    'ghcr.io/knative/helloworld-go:latest',
    'nginx',
    'library/nginx:1.27',
    'docker.io/nginx',
    `gcr.io/x/y@sha256:${HEX64}`,
    `app:v1@sha256:${HEX64}`,
    'localhost:5000/a/b:1',
    'localhost/ab',
    // A trailing ':' is an empty tag, which weak validation fills with "latest".
    'ubuntu:',
    'ab:A_b-c.1',
    `ab:${'t'.repeat(128)}`,
    'a'.repeat(255),
    // A registry is whatever comes before the first '/' when it has a '.' or a ':'; any host[:port] passes.
    '10.0.0.5:5000/team/app:v2',
    'my_registry.example:/ab',
    'a:1:2/ab',
    '[::1]:5000/ab',
    '[2001:db8::8a2e:370:7334]/ab',
    '[1:2:3:4:5:6:7:8]/ab',
    '[1:2:3:4:5:6:7::]/ab',
    '[::ffff:192.0.2.1]/ab',
    '[::]/ab',
    // The repository takes '/', '.', '_' and '-' anywhere: Go's rules check only the characters.
    'https://ghcr.io/app:1',
    'ab//cd',
  ])('takes %s', (image) => {
    expect(imageReferenceError(image)).toBeUndefined();
  });

  it.each([
    { image: 'x', why: 'the repository "x" is not 2 to 255 characters long' },
    { image: 'a:1', why: 'the repository "a" is not 2 to 255 characters long' },
    { image: 'gcr.io/x', why: 'the repository "x" is not 2 to 255 characters long' },
    { image: 'a'.repeat(256), why: `the repository "${'a'.repeat(256)}" is not 2 to 255 characters long` },
    { image: ':1', why: 'no repository' },
    { image: 'Hello', why: 'the repository "Hello" has "H", not one of a-z 0-9 _ - . /' },
    { image: 'my app', why: 'the repository "my app" has " ", not one of a-z 0-9 _ - . /' },
    { image: 'café', why: 'the repository "café" has "é", not one of a-z 0-9 _ - . /' },
    { image: 'ab:1.0+b', why: 'the tag "1.0+b" has "+", not one of A-Z a-z 0-9 _ - .' },
    { image: `ab:${'t'.repeat(129)}`, why: `the tag "${'t'.repeat(129)}" is not 1 to 128 characters long` },
    // The registry: a port of digits after the last ':', host characters, an IPv6 address in brackets.
    { image: 'reg.io:http/ab', why: 'the registry "reg.io:http" is not an RFC 3986 URI authority' },
    { image: 'reg%41.io/ab', why: 'the registry "reg%41.io" is not an RFC 3986 URI authority' },
    { image: 'reg{1}.io/ab', why: 'the registry "reg{1}.io" is not an RFC 3986 URI authority' },
    { image: 'reg.io[1]/ab', why: 'the registry "reg.io[1]" is not an RFC 3986 URI authority' },
    { image: '[127.0.0.1]:5000/ab', why: 'the registry "[127.0.0.1]:5000" is not an RFC 3986 URI authority' },
    { image: '[::1/ab', why: 'the registry "[::1" is not an RFC 3986 URI authority' },
    { image: '[1::2::3]/ab', why: 'the registry "[1::2::3]" is not an RFC 3986 URI authority' },
    { image: '[1:2:3:4:5:6:7:8::]/ab', why: 'the registry "[1:2:3:4:5:6:7:8::]" is not an RFC 3986 URI authority' },
    { image: '[1:2:3:4:5:6:7]/ab', why: 'the registry "[1:2:3:4:5:6:7]" is not an RFC 3986 URI authority' },
    { image: '[12345::1]/ab', why: 'the registry "[12345::1]" is not an RFC 3986 URI authority' },
    { image: '[1:1.2.3.4::]/ab', why: 'the registry "[1:1.2.3.4::]" is not an RFC 3986 URI authority' },
    { image: '[::01.2.3.4]/ab', why: 'the registry "[::01.2.3.4]" is not an RFC 3986 URI authority' },
    { image: '[fe80::1%25eth0]/ab', why: 'the registry "[fe80::1%25eth0]" is not an RFC 3986 URI authority' },
    { image: '[::1]:x/ab', why: 'the registry "[::1]:x" is not an RFC 3986 URI authority' },
    // Digests: sha256 only, 64 lower-case hex digits, one '@'.
    { image: 'ab@sha256:abc', why: 'the sha256 digest is not 64 lower-case hex digits' },
    { image: `ab@sha256:${'A'.repeat(64)}`, why: 'the sha256 digest is not 64 lower-case hex digits' },
    { image: `ab@sha512:${HEX64}`, why: `the digest "sha512:${HEX64}" is not a sha256 digest` },
    { image: `ab@@sha256:${HEX64}`, why: "a digest reference has exactly one '@'" },
    { image: `Ab@sha256:${HEX64}`, why: 'the repository "Ab" has "A", not one of a-z 0-9 _ - . /' },
    // A digest's repository is named as a tag reference names it: Docker Hub's under library/, which 250 letters overflow.
    { image: `${'a'.repeat(250)}@sha256:${HEX64}`, why: `the repository "library/${'a'.repeat(250)}" is not 2 to 255 characters long` },
  ])('refuses $image', ({ image, why }) => {
    expect(imageReferenceError(image)).toBe(why);
  });
});
