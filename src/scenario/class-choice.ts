/**
 * Which autoscaler class a revision runs: `knsim compare`'s override, its annotation, or the
 * cluster default, checked against the shipped and registered classes. No I/O: the browser
 * playground's loader uses it too (loading user modules is in user-classes.ts, node only).
 */
import { AUTOSCALING_ANNOTATION_KEYS, AUTOSCALER_API_VERSION, HPA_CLASS, KPA_CLASS } from '../core/autoscaler/index.js';
import type { ClusterConfig } from './configmaps.js';
import { closest } from './did-you-mean.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';

/** Class names Knative reserves: a user class may not take them. */
export function reservedClassName(name: string): boolean {
  return name.endsWith('.knative.dev');
}

export { AUTOSCALER_API_VERSION };

const CLASS_KEY = AUTOSCALING_ANNOTATION_KEYS.class[0];

/** The class in force for a revision, and the annotations to resolve its settings with. */
export interface ClassChoice {
  annotations: Readonly<Record<string, string>>;
  /** Set when the class is a user-written one: `annotations` then names the KPA, whose settings it reads. */
  userClass: string | undefined;
}

/**
 * Picks a revision's class: `knsim compare`'s override, else its annotation, else the
 * cluster default. A user class reads the KPA's settings (target, windows, bounds), so
 * its annotations are resolved as the KPA's and the class name put back afterwards.
 * @throws ScenarioError for a class that is neither shipped nor registered, when the scenario registers user classes.
 */
export function chooseClass(
  annotations: Readonly<Record<string, string>>,
  cluster: Pick<ClusterConfig, 'autoscaler' | 'userClasses' | 'classOverride'>,
  file: string,
  annotationsBase: readonly PathSegment[],
): ClassChoice {
  const ann = cluster.classOverride === undefined ? annotations : { ...annotations, [CLASS_KEY]: cluster.classOverride };
  const cls = ann[CLASS_KEY] ?? cluster.autoscaler.podAutoscalerClass;
  const users = cluster.userClasses;
  if (users?.has(cls)) return { annotations: { ...ann, [CLASS_KEY]: KPA_CLASS }, userClass: cls };
  if (users !== undefined && users.size > 0 && cls !== KPA_CLASS && cls !== HPA_CLASS) {
    const known = [KPA_CLASS, HPA_CLASS, ...users];
    const near = closest(cls, known);
    throw new ScenarioError(
      file,
      formatPath([...annotationsBase, CLASS_KEY]),
      `unknown autoscaler class ${JSON.stringify(cls)}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; known: ${known.join(', ')}`,
    );
  }
  return { annotations: ann, userClass: undefined };
}

