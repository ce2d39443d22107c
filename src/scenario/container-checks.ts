/**
 * What Knative's webhook checks in each container of a template beyond names and field masks
 * (pkg/apis/serving/k8s_validation.go: ValidatePodSpec, validateContainersPorts, validate,
 * validateEnv*, validateContainerPorts, validateInitContainerPorts): that there is one, the
 * ports, the environment, and the image reference.
 *
 * The containers play three parts. The serving container (a lone container, or the one
 * container with a port) takes the requests the queue-proxy forwards: its one port must be
 * TCP, named http1, h2c or nothing, and its environment must leave PORT and the K_* variables
 * to Knative. A sidecar (a container without ports beside it) and an init container may set
 * PORT. An init container's ports are only checked for range and reserved numbers.
 *
 * Upstream reports every refused field at once; knsim names the first, in the webhook's
 * order (init containers, the count of ports, that there is a container, then each container:
 * env, envFrom, image, ports).
 * A field is "set" as Go decodes it: absent and null are the zero value ("" or 0).
 */
import { formatPath, quote, ScenarioError, type PathSegment } from './errors.js';
import { imageReferenceError } from './image-reference.js';
import { describeValue } from './values.js';
import { type Obj, isObj } from './go-values.js';

const ADMISSION = 'so Knative refuses the template';

/** The ports Knative's own processes listen on in every pod (pkg/networking; knative.dev/pkg's profiling port). */
const RESERVED_PORTS: ReadonlyMap<number, string> = new Map([
  [8012, "the queue-proxy's HTTP/1 port"],
  [8013, "the queue-proxy's HTTP/2 port"],
  [8022, "the queue-proxy's admin port"],
  [9090, "the queue-proxy's autoscaling metrics port"],
  [9091, "the queue-proxy's user metrics port"],
  [8008, "the profiling port"],
]);
const MAX_PORT = 65535;
const PORT_NAMES = ['http1', 'h2c', ''];

/** Knative sets these in the serving container; a sidecar or an init container may set PORT itself. */
const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'];
const RESERVED_SIDECAR_ENV = RESERVED_ENV.filter((n) => n !== 'PORT');

type Role = 'serving' | 'sidecar' | 'init';

/** Throws the refusal of the field at `at` (relative to the pod spec). */
type Fail = (at: readonly PathSegment[], rule: string) => never;

/**
 * Reads a field the webhook decodes into a Go type. The Service schema has already checked the
 * types in `containers`; an init container is kept whole by it, so a value of another type
 * reaches the webhook, which cannot decode it.
 */
function reader(fail: Fail) {
  const wrong = (at: readonly PathSegment[], what: string, v: unknown): never =>
    fail(at, `expected ${what}, got ${describeValue(v)}: Knative's webhook cannot decode it, ${ADMISSION}`);
  return {
    string(v: unknown, at: readonly PathSegment[]): string {
      if (v === undefined || v === null) return '';
      return typeof v === 'string' ? v : wrong(at, 'a string', v);
    },
    integer(v: unknown, at: readonly PathSegment[]): number {
      if (v === undefined || v === null) return 0;
      return Number.isSafeInteger(v) ? (v as number) : wrong(at, 'an integer', v);
    },
    list(v: unknown, at: readonly PathSegment[]): unknown[] {
      if (v === undefined || v === null) return [];
      return Array.isArray(v) ? v : wrong(at, 'a list', v);
    },
    /** A struct (a null item of a list decodes as the zero struct). */
    object(v: unknown, at: readonly PathSegment[]): Obj {
      if (v === undefined || v === null) return {};
      return isObj(v) ? v : wrong(at, 'a mapping', v);
    },
    /** A pointer to a struct: set unless absent or null. */
    pointer(v: unknown, at: readonly PathSegment[]): boolean {
      if (v === undefined || v === null) return false;
      return isObj(v) ? true : wrong(at, 'a mapping', v);
    },
  };
}
type Reader = ReturnType<typeof reader>;

/** validateEnv and validateEnvFrom. */
function checkEnv(c: Obj, role: Role, at: readonly PathSegment[], read: Reader, fail: Fail): void {
  const reserved = role === 'serving' ? RESERVED_ENV : RESERVED_SIDECAR_ENV;
  read.list(c['env'], [...at, 'env']).forEach((item, i) => {
    const e = read.object(item, [...at, 'env', i]);
    const nameAt = [...at, 'env', i, 'name'];
    const name = read.string(e['name'], nameAt);
    if (name === '') fail(nameAt, `missing field(s): an environment variable needs a name, ${ADMISSION}`);
    if (reserved.includes(name)) {
      const why = name === 'PORT' ? 'Knative sets it to the serving port' : 'Knative sets it';
      fail(nameAt, `${quote(name)} is a reserved environment variable (${why}), ${ADMISSION}`);
    }
  });
  read.list(c['envFrom'], [...at, 'envFrom']).forEach((item, i) => {
    const from = read.object(item, [...at, 'envFrom', i]);
    const cm = read.pointer(from['configMapRef'], [...at, 'envFrom', i, 'configMapRef']);
    const secret = read.pointer(from['secretRef'], [...at, 'envFrom', i, 'secretRef']);
    if (cm && secret) fail([...at, 'envFrom', i], `expected exactly one, got both: configMapRef, secretRef, ${ADMISSION}`);
    if (!cm && !secret) fail([...at, 'envFrom', i], `expected exactly one, got neither: configMapRef, secretRef, ${ADMISSION}`);
  });
}

/** The image: set, and a reference go-containerregistry parses. */
function checkImage(c: Obj, at: readonly PathSegment[], read: Reader, fail: Fail): void {
  const imageAt = [...at, 'image'];
  const image = read.string(c['image'], imageAt);
  if (image === '') fail(imageAt, `missing field(s): a container needs an image, ${ADMISSION}`);
  const why = imageReferenceError(image);
  if (why !== undefined) fail(imageAt, `Failed to parse image reference ${quote(image)}: ${why}, ${ADMISSION}`);
}

/** validateContainerPortBasic: not a port of Knative's own, and within 0-65535 (0 leaves the default, 8080). */
function checkPortNumber(port: Obj, at: readonly PathSegment[], read: Reader, fail: Fail): void {
  const numberAt = [...at, 'containerPort'];
  const n = read.integer(port['containerPort'], numberAt);
  const whose = RESERVED_PORTS.get(n);
  if (whose !== undefined) fail(numberAt, `${n} is a reserved port (${whose}), please use a different value, ${ADMISSION}`);
  if (n < 0 || n > MAX_PORT) fail(numberAt, `expected 0 <= ${n} <= ${MAX_PORT}, ${ADMISSION}`);
}

/** validateContainerPorts (the serving container's first port) or validateInitContainerPorts (every port). */
function checkPorts(c: Obj, role: Role, at: readonly PathSegment[], read: Reader, fail: Fail): void {
  const ports = read.list(c['ports'], [...at, 'ports']);
  if (role === 'init') {
    ports.forEach((p, k) => checkPortNumber(read.object(p, [...at, 'ports', k]), [...at, 'ports', k], read, fail));
    return;
  }
  if (ports.length === 0) return;
  const portAt = [...at, 'ports', 0];
  const port = read.object(ports[0], portAt);
  checkPortNumber(port, portAt, read, fail);
  const protocol = read.string(port['protocol'], [...portAt, 'protocol']);
  if (protocol !== '' && protocol !== 'TCP') fail([...portAt, 'protocol'], `invalid value: ${protocol}: the serving port takes only TCP, ${ADMISSION}`);
  const name = read.string(port['name'], [...portAt, 'name']);
  if (!PORT_NAMES.includes(name)) fail([...portAt, 'name'], `Port name ${name} is not allowed: name must be empty, or one of: 'h2c', 'http1', ${ADMISSION}`);
}

/** The terminationMessagePolicy values the webhook takes ("" leaves Kubernetes' default, File). */
const TERMINATION_MESSAGE_POLICIES = ['', 'File', 'FallbackToLogsOnError'];

function checkContainer(c: Obj, role: Role, at: readonly PathSegment[], read: Reader, fail: Fail): void {
  checkEnv(c, role, at, read, fail);
  checkImage(c, at, read, fail);
  checkPorts(c, role, at, read, fail);
  const policyAt = [...at, 'terminationMessagePolicy'];
  const policy = read.string(c['terminationMessagePolicy'], policyAt);
  if (!TERMINATION_MESSAGE_POLICIES.includes(policy)) fail(policyAt, `invalid value: ${policy} (File or FallbackToLogsOnError), ${ADMISSION}`);
}

/**
 * validateContainersPorts: one port in all the containers together, and with several
 * containers, one of them must have it (that one serves).
 */
function checkPortCount(containers: ReadonlyArray<{ c: Obj; i: number }>, read: Reader, fail: Fail): void {
  let first: PathSegment[] | undefined;
  for (const { c, i } of containers) {
    const ports = read.list(c['ports'], ['containers', i, 'ports']);
    for (let k = 0; k < ports.length; k++) {
      if (first === undefined) first = ['containers', i, 'ports', k];
      else {
        fail(
          ['containers', i, 'ports', k],
          `more than one container port is set (${formatPath(first)} is one): only a single port is allowed across all containers, ${ADMISSION}`,
        );
      }
    }
  }
  if (first === undefined && containers.length > 1) {
    fail(['containers'], `missing field(s): ports: with more than one container, the serving one must declare its port, ${ADMISSION}`);
  }
}

/**
 * Refuses a template whose pod spec (`spec`, written at `base` in `file`) has no container
 * (the Service schema requires the list, but a template without a spec, or an empty list,
 * gets past it to the webhook), or a container the webhook refuses for its ports,
 * environment, image or terminationMessagePolicy.
 * @throws ScenarioError at the first such field.
 */
export function checkContainers(written: unknown, file: string, base: readonly PathSegment[]): void {
  // The webhook validates the pod spec of every template, an absent one as empty.
  const spec = written === undefined || written === null ? {} : written;
  if (!isObj(spec)) return;
  const fail: Fail = (at, rule) => {
    throw new ScenarioError(file, formatPath([...base, ...at]), rule);
  };
  const read = reader(fail);
  const items = (field: 'containers' | 'initContainers'): Array<{ c: Obj; i: number }> =>
    read.list(spec[field], [field]).map((c, i) => ({ c: read.object(c, [field, i]), i }));

  for (const { c, i } of items('initContainers')) checkContainer(c, 'init', ['initContainers', i], read, fail);

  const containers = items('containers');
  checkPortCount(containers, read, fail);
  if (containers.length === 0) fail(['containers'], `missing field(s): a template needs a container, ${ADMISSION}`);
  for (const { c, i } of containers) {
    // With several containers, those without ports are sidecars.
    const role: Role = containers.length === 1 || read.list(c['ports'], ['containers', i, 'ports']).length > 0 ? 'serving' : 'sidecar';
    checkContainer(c, role, ['containers', i], read, fail);
  }
}
