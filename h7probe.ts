import { writeFileSync } from 'node:fs';
import { loadScenario } from './src/scenario/load.js';
const base = `name: x
duration: 10s
services:
  - manifest: {apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: hello}}
clients:
  - {name: c, service: hello, open: {rps: 1}}
`;
const cases: Record<string, string | Buffer> = {
  bomb: base + `x: &a [x,x,x,x,x,x,x,x,x,x]
y: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
z: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
w: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
`,
  proto: base + `cluster: {__proto__: {activators: 5}}\n`,
  utf8: Buffer.concat([Buffer.from(base), Buffer.from('description: "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]),
  deep: base.replace('name: x', 'name: ' + '['.repeat(50000) + ']'.repeat(50000)),
  deep2: base.replace('name: x', 'name: ' + '{a: '.repeat(3000) + '1' + '}'.repeat(3000)),
  long: base.replace('name: x', 'name: ' + 'a'.repeat(1e6)),
  longkey: base + 'a'.repeat(1e5) + ': 1\n',
  big: base.replace('rps: 1', 'rps: "' + 'b '.repeat(1e5) + '"'),
  pods: base.replace('clients:', '    initialPods: 1e308\nclients:'),
  seed: base + 'seed: 1e308\n',
};
for (const [k, v] of Object.entries(cases)) {
  writeFileSync(`/tmp/h7/${k}.yaml`, v);
  try { loadScenario(`/tmp/h7/${k}.yaml`); console.log(k, 'OK'); } catch (e) { console.log(k, (e as Error).constructor.name, (e as Error).message.length, (e as Error).message.slice(0, 400)); }
}
