/** A setting the process was started with is missing or wrong: one clear line, no stack trace. */
export class ConfigError extends Error {}
