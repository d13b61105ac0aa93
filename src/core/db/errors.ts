/** PostgreSQL error codes this code reacts to, in one place. */
export const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505';
