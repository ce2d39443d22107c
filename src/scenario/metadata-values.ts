/**
 * Annotation and label values written unquoted as numbers or booleans in a manifest's YAML
 * (`autoscaling.knative.dev/min-scale: 1`). kubectl sends them as JSON numbers and booleans,
 * and Kubernetes refuses them: ObjectMeta's maps hold strings (the API server for the Service's
 * own metadata, Knative's webhook for the template's). Only YAML text the user wrote is held
 * to this: a `--set` value and a notebook's JavaScript value are taken as their text.
 */
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { isObj } from './go-values.js';

const FIELDS = ['annotations', 'labels'] as const;

function checkMeta(meta: unknown, file: string, at: readonly PathSegment[]): void {
  if (!isObj(meta)) return;
  for (const field of FIELDS) {
    const map = meta[field];
    if (!isObj(map)) continue;
    for (const [key, v] of Object.entries(map)) {
      if (typeof v !== 'number' && typeof v !== 'boolean') continue;
      const what = field === 'labels' ? 'label' : 'annotation';
      const kind = typeof v === 'number' ? 'number' : 'boolean';
      // The actionable part first: a long path leaves the rule little of the line.
      const how = typeof v === 'number' ? `quote it ("${String(v)}")` : `quote it (unquoted, ${v ? 'true, yes, on or y' : 'false, no, off or n'} is a boolean)`;
      throw new ScenarioError(file, formatPath([...at, field, key]), `${how}: kubectl sends an unquoted ${kind} as a JSON ${kind}, and Kubernetes refuses it (${what} values are strings)`);
    }
  }
}

/** Checks a Service manifest as written (`base`: where it is in `file`): its metadata and its template's. @throws ScenarioError */
export function checkWrittenMetadata(manifest: unknown, file: string, base: readonly PathSegment[]): void {
  if (!isObj(manifest)) return;
  checkMeta(manifest['metadata'], file, [...base, 'metadata']);
  const spec = manifest['spec'];
  if (isObj(spec)) checkWrittenTemplateMetadata(spec['template'], file, [...base, 'spec', 'template']);
}

/** Checks a template as written (an update's): its metadata. @throws ScenarioError */
export function checkWrittenTemplateMetadata(template: unknown, file: string, base: readonly PathSegment[]): void {
  if (isObj(template)) checkMeta(template['metadata'], file, [...base, 'metadata']);
}

/** Every manifest and update template written inline in a scenario, as parsed from its YAML. @throws ScenarioError */
export function checkWrittenScenarioMetadata(raw: unknown, file: string): void {
  if (!isObj(raw) || !Array.isArray(raw['services'])) return;
  raw['services'].forEach((entry: unknown, i: number) => {
    if (!isObj(entry)) return;
    checkWrittenMetadata(entry['manifest'], file, ['services', i, 'manifest']);
    if (Array.isArray(entry['updates'])) {
      entry['updates'].forEach((u: unknown, j: number) => {
        if (isObj(u)) checkWrittenTemplateMetadata(u['template'], file, ['services', i, 'updates', j, 'template']);
      });
    }
  });
}
