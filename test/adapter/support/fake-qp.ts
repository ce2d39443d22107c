/**
 * Fake queue-proxies on 127.0.0.1: each serves a pod's autoscaler stat as protobuf on
 * /metrics (as Knative's queue-proxy does on :9090), or its request metrics as Prometheus
 * text; every request is recorded; faults can be switched on.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeStat, type QueueProxyStat } from '../../../src/adapter/stat-proto.js';

/**
 * Scrape timeout for tests: these servers answer at once (or fail at once), but on a busy
 * machine an answer can wait a while for a core, and a spurious timeout is a failed pod.
 */
export const SCRAPE_TIMEOUT_SECONDS = 5;

/** For a `hang` fault, where the timeout is what ends the scrape: short, so the test stays quick. */
export const HANG_SCRAPE_TIMEOUT_SECONDS = 0.2;

export type QpFault = 'none' | 'status500' | 'wrong-type' | 'hang' | 'drop' | 'garbage';

export interface QpRequest {
  pod: string;
  method: string;
  path: string;
  accept: string | undefined;
}

export class FakeQueueProxy {
  stat: Partial<QueueProxyStat>;
  /** Prometheus text for the request-metrics endpoint; when set, served instead of the stat. */
  promText: string | (() => string) | undefined;
  fault: QpFault = 'none';
  private readonly server: http.Server;
  port = 0;

  constructor(
    readonly pod: string,
    stat: Partial<QueueProxyStat>,
    private readonly log: QpRequest[],
  ) {
    this.stat = { podName: pod, ...stat };
    this.server = http.createServer((req, res) => {
      this.log.push({ pod, method: req.method ?? '', path: req.url ?? '', accept: req.headers['accept'] });
      switch (this.fault) {
        case 'hang':
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'status500':
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('boom');
          return;
        case 'wrong-type':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('average_concurrent_requests 3');
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/protobuf' });
          res.end(Buffer.from([0x0a, 0xff]));
          return;
        default:
      }
      if (req.url !== '/metrics') {
        res.writeHead(404);
        res.end();
        return;
      }
      if (this.promText !== undefined) {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(typeof this.promText === 'function' ? this.promText() : this.promText);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/protobuf' });
      res.end(Buffer.from(encodeStat(this.stat)));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/metrics`;
  }
}

/** A set of fake queue-proxies, one per pod name. */
export class FakeQueueProxies {
  readonly requests: QpRequest[] = [];
  readonly byPod = new Map<string, FakeQueueProxy>();

  async add(pod: string, stat: Partial<QueueProxyStat>): Promise<FakeQueueProxy> {
    const qp = await new FakeQueueProxy(pod, stat, this.requests).start();
    this.byPod.set(pod, qp);
    return qp;
  }

  get(pod: string): FakeQueueProxy {
    const qp = this.byPod.get(pod);
    if (!qp) throw new Error(`no fake queue-proxy for ${pod}`);
    return qp;
  }

  /** The scrape URL for a pod (what `podMetricsUrl` would give on a cluster). */
  url = (pod: { name: string }): string => this.get(pod.name).url;

  async stopAll(): Promise<void> {
    await Promise.all([...this.byPod.values()].map((q) => q.stop()));
  }
}
