/** A failure the user can act on (busy port, unreachable server…): main prints `error: <message>`, no usage. */
export class CliError extends Error {}
