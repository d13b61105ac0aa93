/**
 * What the composition root knows of an area (a folder under src/features/ or src/whatsapp/):
 * everything the area adds to a process, declared once in its `area.ts` and listed in
 * src/areas.ts. app.ts and server.ts walk that list; they name no area themselves
 * (docs/architecture.md, "Adding an area").
 */
import type { FastifyInstance } from 'fastify';
import type { Gauge } from 'prom-client';
import type { AppConfig } from './config.ts';
import type { AppContext, LocalState } from './context.ts';
import type { Metrics } from './core/http/metrics.ts';

/** Background work a process runs in `serve --role worker|all`; its sweeps run inside it. */
interface Worker {
  start(): Promise<void>;
  /** Running work stops at its next safe point; resolves once it has. */
  stop(): void | Promise<void>;
}

export interface Area {
  name: string;
  /** The OpenAPI tags this area's routes introduce (others' routes may use them too), each with one line: listed at the top of /openapi.json. */
  openapiTags?: { name: string; description: string }[];
  /** The area's routes, as one Fastify plugin. */
  routes?: (ctx: AppContext, server: { metrics: Metrics }) => (app: FastifyInstance) => Promise<void>;
  /** Queues the area's workers consume, declared at every start in this order (a dead-letter queue first). */
  queues?: { name: string; oneWaitingPerKey?: boolean }[];
  workers?: ((ctx: AppContext) => Worker)[];
  /** Gauges read at each /metrics scrape. */
  gauges?: { name: string; help: string; labels: string[]; collect: (ctx: AppContext, gauge: Gauge) => Promise<void> }[];
  /** The area's in-memory state for one context (caches, registries): `ctx.local.<key>`, made when the context opens. */
  local?: { [K in keyof LocalState]?: (config: AppConfig) => LocalState[K] };
  /** Runs once a context that runs the queue is open (e.g. waking workers after commits). */
  onOpen?: (ctx: AppContext) => void;
  /** Runs once every route is registered. */
  onServer?: (ctx: AppContext, app: FastifyInstance) => void;
}
