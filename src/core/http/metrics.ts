import type { FastifyInstance } from 'fastify';
import { installRequestObserver } from './request-observer.ts';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HttpSeries } from './http-series.ts';
import type { Db } from '../db/types.ts';

export interface Metrics {
  registry: Registry;
  /** The whole Prometheus text exposition: the registry plus the HTTP series. */
  render(): Promise<string>;
  /** Gauges that other features (queues) register on the same registry. */
  addGauge(name: string, help: string, labelNames: string[], collect: (g: Gauge) => void | Promise<void>): void;
}

/** The metrics registry: request series (see request-observer.ts), process and database pool gauges. */
export function installMetrics(app: FastifyInstance, db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new HttpSeries();
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

  installRequestObserver(app, http);
  return { registry, addGauge, render: async () => (await registry.metrics()) + http.render() };
}
