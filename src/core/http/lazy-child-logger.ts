import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;

/**
 * Fastify gives every request a pino child logger bound to its request id. Building one costs
 * about as much as the rest of a cached-key request; this stand-in builds it only when a line
 * is written at an enabled level, so a request that logs nothing pays almost nothing.
 */
class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private parent: FastifyBaseLogger,
    private bindings: Bindings,
    private options: object,
  ) {}

  get level() {
    return this.parent.level;
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: unknown[]) {
    if (!(this.parent as any).isLevelEnabled(level)) return;
    this.real ??= this.parent.child(this.bindings, this.options);
    (this.real[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: object) {
    this.real ??= this.parent.child(this.bindings, this.options);
    return this.real.child(bindings, options);
  }
}

export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: object): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
}
