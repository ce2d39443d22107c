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
 * `refused` names the Kubernetes fields of an object that Knative's schema leaves out
 * (`nodeName`, a container's `lifecycle`, …), so the error can say so instead of
 * suggesting a spelling.
 */

/** A mapping with known fields, a list of one kind of item, or anything ('open'). */
export interface FieldsNode {
  readonly fields: Readonly<Record<string, FieldNode>>;
  readonly refused?: readonly string[];
}
export type FieldNode = FieldsNode | { readonly item: FieldNode } | 'open';

const open = 'open' as const;
const fields = (names: readonly string[], known: Readonly<Record<string, FieldNode>> = {}, refused: readonly string[] = []): FieldsNode => ({
  fields: Object.fromEntries([...names.map((n) => [n, open] as const), ...Object.entries(known)]),
  ...(refused.length > 0 ? { refused } : {}),
});
const list = (item: FieldNode): FieldNode => ({ item });

/** metav1.ObjectMeta. */
const OBJECT_META = fields([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

const KEY_TO_PATH = list(fields(['key', 'path', 'mode']));
const NAME_OPTIONAL = fields(['name', 'optional']);
const KEY_SELECTOR = fields(['key', 'name', 'optional']);

const PROBE_HANDLER = {
  exec: fields(['command']),
  httpGet: fields(['host', 'path', 'port', 'scheme'], { httpHeaders: list(fields(['name', 'value'])) }),
  tcpSocket: fields(['host', 'port']),
  grpc: fields(['port', 'service']),
};
const PROBE = fields(['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'], PROBE_HANDLER, ['terminationGracePeriodSeconds']);

/** A container of `containers` (corev1.Container through ContainerMask). */
export const CONTAINER_NODE = fields(
  ['name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy'],
  {
    env: list(
      fields(['name', 'value'], {
        valueFrom: fields(['fieldRef', 'resourceFieldRef'], { configMapKeyRef: KEY_SELECTOR, secretKeyRef: KEY_SELECTOR }),
      }),
    ),
    envFrom: list(fields(['prefix'], { configMapRef: NAME_OPTIONAL, secretRef: NAME_OPTIONAL })),
    ports: list(fields(['containerPort', 'name', 'protocol'], {}, ['hostIP', 'hostPort'])),
    resources: fields(['limits', 'requests'], {}, ['claims']),
    securityContext: fields(
      ['allowPrivilegeEscalation', 'privileged', 'readOnlyRootFilesystem', 'runAsGroup', 'runAsNonRoot', 'runAsUser'],
      { capabilities: fields(['add', 'drop']), seccompProfile: fields(['type', 'localhostProfile']) },
      ['seLinuxOptions', 'windowsOptions', 'procMount', 'appArmorProfile'],
    ),
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    volumeMounts: list(fields(['name', 'mountPath', 'readOnly', 'subPath', 'mountPropagation'], {}, ['recursiveReadOnly', 'subPathExpr'])),
  },
  ['lifecycle', 'stdin', 'stdinOnce', 'tty', 'volumeDevices', 'resizePolicy', 'restartPolicy'],
);

/** The volume kinds of corev1.VolumeSource that VolumeSourceMask never copies. */
const REFUSED_VOLUME_KINDS = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'downwardAPI', 'fc', 'flexVolume', 'flocker',
  'gcePersistentDisk', 'gitRepo', 'glusterfs', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd',
  'scaleIO', 'storageos', 'vsphereVolume',
];

const VOLUME = fields(
  // Open where the schema keeps unknown fields (the flag-gated kinds).
  ['name', 'emptyDir', 'persistentVolumeClaim', 'hostPath', 'csi', 'ephemeral', 'image'],
  {
    secret: fields(['secretName', 'defaultMode', 'optional'], { items: KEY_TO_PATH }),
    configMap: fields(['name', 'defaultMode', 'optional'], { items: KEY_TO_PATH }),
    projected: fields(['defaultMode'], {
      sources: list(
        fields(
          [],
          {
            secret: fields(['name', 'optional'], { items: KEY_TO_PATH }),
            configMap: fields(['name', 'optional'], { items: KEY_TO_PATH }),
            serviceAccountToken: fields(['audience', 'expirationSeconds', 'path']),
            downwardAPI: fields([], {
              items: list(
                fields(['path', 'mode'], { fieldRef: fields(['apiVersion', 'fieldPath']), resourceFieldRef: fields(['containerName', 'resource', 'divisor']) }),
              ),
            }),
          },
          ['clusterTrustBundle', 'podCertificate'],
        ),
      ),
    }),
  },
  REFUSED_VOLUME_KINDS,
);

/** Knative's RevisionSpec: containerConcurrency and the timeouts, and the corev1.PodSpec fields PodSpecMask copies. */
const REVISION_SPEC = fields(
  [
    // Knative's own.
    'containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds',
    // corev1.PodSpec, always copied.
    'serviceAccountName', 'enableServiceLinks', 'automountServiceAccountToken',
    // corev1.PodSpec behind config-features flags (feature-gates.ts): the schema keeps unknown fields inside.
    'affinity', 'topologySpreadConstraints', 'hostAliases', 'nodeSelector', 'runtimeClassName', 'tolerations', 'securityContext',
    'shareProcessNamespace', 'priorityClassName', 'schedulerName', 'initContainers', 'dnsPolicy', 'dnsConfig', 'hostIPC', 'hostPID',
    'hostNetwork',
  ],
  { containers: list(CONTAINER_NODE), volumes: list(VOLUME), imagePullSecrets: list(fields(['name'])) },
  [
    'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'serviceAccount', 'nodeName',
    'hostname', 'subdomain', 'priority', 'readinessGates', 'preemptionPolicy', 'overhead', 'setHostnameAsFQDN', 'os', 'hostUsers',
    'schedulingGates', 'resourceClaims', 'resources', 'hostnameOverride',
  ],
);

/** Knative's RevisionTemplateSpec (a Service's spec.template, an update's template): its metadata keeps unknown fields. */
export const TEMPLATE_NODE: FieldNode = fields(['metadata'], { spec: REVISION_SPEC });

/** Knative's TrafficTarget. */
export const TRAFFIC_TARGET_NODE = fields(['tag', 'revisionName', 'configurationName', 'latestRevision', 'percent', 'url']);
export const TRAFFIC_NODE = list(TRAFFIC_TARGET_NODE);

/** serving.knative.dev/v1 Service. */
export const SERVICE_NODE: FieldNode = fields(['apiVersion', 'kind', 'status'], {
  metadata: OBJECT_META,
  spec: fields([], { template: TEMPLATE_NODE, traffic: TRAFFIC_NODE }),
});
