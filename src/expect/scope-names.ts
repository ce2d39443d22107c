/**
 * The names an expectation's `service:` or `revision:` may give: those the scenario has.
 * A name no Service and no template (initial or update) of the file makes is a typo, known
 * from the file alone, so it is refused with the other bad expectations (exit 2, nothing
 * runs); a revision the scenario makes only after the run ends is still the run's ERROR.
 */
import { ScenarioError } from '../scenario/errors.js';
import { closest } from '../scenario/did-you-mean.js';
import type { Expectation } from './parse.js';

/** What the check reads of a scenario's world: its Services and every revision each makes. */
export interface ScenarioNames {
  services: ReadonlyArray<{ name: string; revisions: ReadonlyArray<{ name: string }> }>;
}

/** @throws ScenarioError naming the first expectation whose scope the scenario has not */
export function checkScopeNames(expectations: readonly Expectation[], world: ScenarioNames, file: string): void {
  const services = world.services.map((s) => s.name);
  const revisions = world.services.flatMap((s) => s.revisions.map((r) => r.name));
  for (const e of expectations) {
    const [field, name, known] = e.revision !== undefined ? (['revision', e.revision, revisions] as const) : e.service !== undefined ? (['service', e.service, services] as const) : [];
    if (field === undefined || known.includes(name)) continue;
    const near = closest(name, known);
    // A line, not a wall of names: a scenario may make many revisions.
    const some = known.slice(0, 5).join(', ') + (known.length > 5 ? ', …' : '');
    const hint = `${field === 'service' ? 'services' : 'revisions'}: ${some}${near !== undefined ? `; did you mean ${JSON.stringify(near)}?` : ''}`;
    throw new ScenarioError(file, `${e.path}.${field}`, `no ${field} named ${JSON.stringify(name)} in the scenario (${hint})`);
  }
}
