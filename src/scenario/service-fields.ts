/**
 * The fields of a serving.knative.dev/v1 Service, as the Service CRD's schema lists them
 * (knative/serving config/core/300-resources/service.yaml), which follows the webhook's
 * field masks (pkg/apis/serving/fieldmask.go).
 *
 * `kubectl apply` validates strictly by default: a field the schema does not list is
 * refused ("strict decoding error: unknown field"), and with `--validate=false` the API
 * server drops it. Either way it never reaches a Revision, so a scenario with one is
 * refused too, rather than simulating a setting that would not take effect. Where the
 * schema keeps unknown fields (affinity, tolerations, an init container, …) the tree is open.
 *
 * A leaf has the schema's type (`integer`, `boolean`, …): the API server refuses a value
 * of another type ("must be of type integer").
 *
 * `refused` names the Kubernetes fields of an object that Knative's schema leaves out
 * (`nodeName`, a container's `lifecycle`, …), so the error can say so instead of
 * suggesting a spelling.
 */

/** A value's type in the schema; `open` takes anything (the schema keeps unknown fields there). */
export type LeafType = 'open' | 'string' | 'integer' | 'boolean' | 'int-or-string' | 'strings' | 'string-map';

/** A mapping with known fields, a list of one kind of item, or a leaf of one type. */
export interface FieldsNode {
  readonly fields: Readonly<Record<string, FieldNode>>;
  readonly refused?: readonly string[];
  /** Fields the schema requires (absent or null is missing). */
  readonly required?: readonly string[];
}
export type FieldNode = FieldsNode | { readonly item: FieldNode } | { readonly leaf: LeafType };

const leaf = (t: LeafType): FieldNode => ({ leaf: t });
export const OPEN = leaf('open');
const S = leaf('string');
const I = leaf('integer');
const B = leaf('boolean');
const INT_OR_STRING = leaf('int-or-string');
const STRINGS = leaf('strings');
const STRING_MAP = leaf('string-map');
const fields = (known: Readonly<Record<string, FieldNode>>, refused: readonly string[] = []): FieldsNode => ({
  fields: known,
  ...(refused.length > 0 ? { refused } : {}),
});
const list = (item: FieldNode): FieldNode => ({ item });
/** `node` with fields the schema requires. */
const requiring = (node: FieldsNode, ...required: string[]): FieldsNode => ({ ...node, required });

/** metav1.ObjectMeta (the API server's own type; knsim reads labels and annotations through the scenario schema). */
const OBJECT_META = fields(
  Object.fromEntries(
    ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
      'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'].map((n) => [n, OPEN]),
  ),
);

const KEY_TO_PATH = list(requiring(fields({ key: S, path: S, mode: I }), 'key', 'path'));
const NAME_OPTIONAL = fields({ name: S, optional: B });
const KEY_SELECTOR = requiring(fields({ key: S, name: S, optional: B }), 'key');

const PROBE = fields(
  {
    exec: fields({ command: STRINGS }),
    httpGet: fields({ host: S, path: S, port: INT_OR_STRING, scheme: S, httpHeaders: list(requiring(fields({ name: S, value: S }), 'name', 'value')) }),
    tcpSocket: fields({ host: S, port: INT_OR_STRING }),
    grpc: fields({ port: I, service: S }),
    initialDelaySeconds: I,
    timeoutSeconds: I,
    periodSeconds: I,
    successThreshold: I,
    failureThreshold: I,
  },
  ['terminationGracePeriodSeconds'],
);

/** A container of `containers` (corev1.Container through ContainerMask). */
export const CONTAINER_NODE = fields(
  {
    name: S,
    image: S,
    imagePullPolicy: S,
    command: STRINGS,
    args: STRINGS,
    workingDir: S,
    terminationMessagePath: S,
    terminationMessagePolicy: S,
    env: list(requiring(fields({ name: S, value: S, valueFrom: fields({ fieldRef: OPEN, resourceFieldRef: OPEN, configMapKeyRef: KEY_SELECTOR, secretKeyRef: KEY_SELECTOR }) }), 'name')),
    envFrom: list(fields({ prefix: S, configMapRef: NAME_OPTIONAL, secretRef: NAME_OPTIONAL })),
    ports: list(fields({ containerPort: I, name: S, protocol: S }, ['hostIP', 'hostPort'])),
    // Quantities: the scenario schema parses cpu and memory (quantity.ts); other resource names are not read.
    resources: fields({ limits: OPEN, requests: OPEN }, ['claims']),
    securityContext: fields(
      {
        allowPrivilegeEscalation: B,
        privileged: B,
        readOnlyRootFilesystem: B,
        runAsGroup: I,
        runAsNonRoot: B,
        runAsUser: I,
        capabilities: fields({ add: STRINGS, drop: STRINGS }),
        seccompProfile: requiring(fields({ type: S, localhostProfile: S }), 'type'),
      },
      ['seLinuxOptions', 'windowsOptions', 'procMount', 'appArmorProfile'],
    ),
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    volumeMounts: list(requiring(fields({ name: S, mountPath: S, readOnly: B, subPath: S, mountPropagation: S }, ['recursiveReadOnly', 'subPathExpr']), 'name', 'mountPath')),
  },
  ['lifecycle', 'stdin', 'stdinOnce', 'tty', 'volumeDevices', 'resizePolicy', 'restartPolicy'],
);

/** The volume kinds of corev1.VolumeSource that VolumeSourceMask never copies. */
const REFUSED_VOLUME_KINDS = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'downwardAPI', 'fc', 'flexVolume', 'flocker',
  'gcePersistentDisk', 'gitRepo', 'glusterfs', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd',
  'scaleIO', 'storageos', 'vsphereVolume',
];

const VOLUME = requiring(fields(
  {
    name: S,
    // The flag-gated kinds: the schema keeps unknown fields inside.
    emptyDir: OPEN,
    persistentVolumeClaim: OPEN,
    hostPath: OPEN,
    csi: OPEN,
    ephemeral: OPEN,
    image: OPEN,
    secret: fields({ secretName: S, defaultMode: I, optional: B, items: KEY_TO_PATH }),
    configMap: fields({ name: S, defaultMode: I, optional: B, items: KEY_TO_PATH }),
    projected: fields({
      defaultMode: I,
      sources: list(
        fields(
          {
            secret: fields({ name: S, optional: B, items: KEY_TO_PATH }),
            configMap: fields({ name: S, optional: B, items: KEY_TO_PATH }),
            serviceAccountToken: requiring(fields({ audience: S, expirationSeconds: I, path: S }), 'path'),
            downwardAPI: fields({
              items: list(
                requiring(
                  fields({
                    path: S,
                    mode: I,
                    fieldRef: requiring(fields({ apiVersion: S, fieldPath: S }), 'fieldPath'),
                    resourceFieldRef: requiring(fields({ containerName: S, resource: S, divisor: INT_OR_STRING }), 'resource'),
                  }),
                  'path',
                ),
              ),
            }),
          },
          ['clusterTrustBundle', 'podCertificate'],
        ),
      ),
    }),
  },
  REFUSED_VOLUME_KINDS,
), 'name');

/** Knative's RevisionSpec: containerConcurrency and the timeouts, and the corev1.PodSpec fields PodSpecMask copies; the schema requires containers. */
const REVISION_SPEC = requiring(fields(
  {
    // Knative's own.
    containerConcurrency: I,
    timeoutSeconds: I,
    responseStartTimeoutSeconds: I,
    idleTimeoutSeconds: I,
    // corev1.PodSpec, always copied.
    serviceAccountName: S,
    enableServiceLinks: B,
    automountServiceAccountToken: B,
    containers: list(CONTAINER_NODE),
    volumes: list(VOLUME),
    imagePullSecrets: list(fields({ name: S })),
    // Behind config-features flags (feature-gates.ts); the schema keeps unknown fields inside the objects.
    affinity: OPEN,
    topologySpreadConstraints: list(OPEN),
    hostAliases: list(OPEN),
    nodeSelector: STRING_MAP,
    runtimeClassName: S,
    tolerations: list(OPEN),
    securityContext: OPEN,
    shareProcessNamespace: B,
    priorityClassName: S,
    schedulerName: S,
    initContainers: list(OPEN),
    dnsPolicy: S,
    dnsConfig: OPEN,
    hostIPC: B,
    hostPID: B,
    hostNetwork: B,
  },
  [
    'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'serviceAccount', 'nodeName',
    'hostname', 'subdomain', 'priority', 'readinessGates', 'preemptionPolicy', 'overhead', 'setHostnameAsFQDN', 'os', 'hostUsers',
    'schedulingGates', 'resourceClaims', 'resources', 'hostnameOverride',
  ],
), 'containers');

/** Knative's RevisionTemplateSpec (a Service's spec.template, an update's template): its metadata keeps unknown fields. */
export const TEMPLATE_NODE: FieldNode = fields({ metadata: OPEN, spec: REVISION_SPEC });

/** Knative's TrafficTarget. */
export const TRAFFIC_TARGET_NODE = fields({ tag: S, revisionName: S, configurationName: S, latestRevision: B, percent: I, url: S });
export const TRAFFIC_NODE = list(TRAFFIC_TARGET_NODE);

/** serving.knative.dev/v1 Service. */
export const SERVICE_NODE: FieldNode = fields({
  apiVersion: OPEN,
  kind: OPEN,
  status: OPEN,
  metadata: OBJECT_META,
  spec: fields({ template: TEMPLATE_NODE, traffic: TRAFFIC_NODE }),
});
