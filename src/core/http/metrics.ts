import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/types.ts';

export interface Metrics {
  registry: Registry;
  /** Gauges that other features (queues) register on the same registry. */
  addGauge(name: string, help: string, labelNames: string[], collect: (g: Gauge) => void | Promise<void>): void;
}

/** Request counts and latency histograms by route and status, plus database pool gauges. */
export function installMetrics(app: FastifyInstance, db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'chakra_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'chakra_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const addGauge: Metrics['addGauge'] = (name, help, labelNames, collect) => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        await collect(this);
      },
    });
  };
  addGauge('chakra_db_pool_connections', 'Database connections by state (embedded mode: one connection)', ['state'], (g) => {
    const s = db.stats();
    g.set({ state: 'total' }, s.total);
    g.set({ state: 'idle' }, s.idle);
    g.set({ state: 'waiting' }, s.waiting);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
  return { registry, addGauge };
}
