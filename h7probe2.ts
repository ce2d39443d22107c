import { readdirSync } from 'node:fs';
import { loadScenario, scenarioFromValue } from './src/scenario/load.js';
import { estimateWork, checkWork } from './src/scenario/work-estimate.js';
import { BENCH_CASES } from './src/bench/cases.js';
const tot = (xs: {amount: number}[]) => xs.reduce((a, x) => a + x.amount, 0);
for (const f of readdirSync('scenarios').filter((f) => f.endsWith('.yaml'))) {
  const l = loadScenario('scenarios/' + f);
  const e = estimateWork(l);
  console.log(f.padEnd(26), 'req', tot(e.requests).toExponential(2), 'pods', tot(e.pods), 'users', tot(e.users), 'ev/s', e.eventsPerSecond, 'ev', e.events.toExponential(2));
  checkWork(l);
}
for (const b of BENCH_CASES) {
  const l = scenarioFromValue(b.scenario, 'bench/' + b.name);
  const e = estimateWork(l);
  console.log(b.name.padEnd(26), 'req', tot(e.requests).toExponential(2), 'pods', tot(e.pods), 'ev', e.events.toExponential(2));
  checkWork(l);
}
