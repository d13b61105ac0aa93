/** A mistake in the command line itself; main prints it with the usage text. */
export class UsageError extends Error {}
