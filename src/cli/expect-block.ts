import { parseExpectations } from '../expect/parse.js';
import { checkScopeNames } from '../expect/scope-names.js';
import type { LoadedScenario } from '../scenario/load.js';

/**
 * Refuses a scenario whose `expect:` block `knsim test` would refuse (an unknown metric, a bad
 * operator, a value of the wrong kind, a service: or revision: the scenario has not), as the commands that do not evaluate it read the rest of
 * the file: a mistake in it is a mistake in the scenario, whichever command meets it first.
 * @throws ScenarioError naming the entry and the rule
 */
export function checkExpectBlock(loaded: Pick<LoadedScenario, 'file' | 'expect' | 'world'>): void {
  if (loaded.expect !== undefined) checkScopeNames(parseExpectations(loaded.expect, loaded.file), loaded.world, loaded.file);
}
