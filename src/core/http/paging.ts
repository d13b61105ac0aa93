/**
 * Bounds on offset paging. Deeper than this, `skip` (or `page`) only makes the database walk and
 * throw away rows; keyset cursors (`_meta.nextCursor`) reach any depth instead.
 */
export const MAX_OFFSET = 1_000_000;
export const MAX_PAGE = 100_000;
