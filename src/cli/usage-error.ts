/**
 * A mistake in the command line itself: main prints each problem on its own line, then the
 * usage of the command it was made in (the general usage when none is given).
 */
export class UsageError extends Error {
  readonly problems: string[];

  constructor(
    problems: string | string[],
    readonly usage?: string,
  ) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('; '));
    this.problems = list;
  }
}
