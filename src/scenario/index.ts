/** Scenario loading: YAML scenario files (with Knative Service manifests), trace files and --set overrides → WorldSpec. */
export { ScenarioError, formatError, formatPath, type PathSegment } from './errors.js';
export { applySet, parseSetExpression, type SetExpression } from './set.js';
export { loadScenario, scenarioFromValue, DEFAULT_CLUSTER, DEFAULT_SEED, type LoadOptions, type LoadedScenario } from './load.js';
export { DEFAULT_POD_START, DEFAULT_SERVICE_TIME, SERVING_API_VERSION } from './manifest.js';
export { DEFAULT_REVISION_DEFAULTS, type ClusterConfig, type RevisionDefaults } from './configmaps.js';
export { parseSimpleTrace, parseAzure2021Trace, shapeTrace, type RawTrace, type TraceData, type TraceFormat } from './trace.js';
export { parseDuration } from './values.js';
export { parseYamlOne, rejectProtoKeys } from './load-text.js';
