-- Sorts a procedure declares an index for (docs/workspace.md, `sortIndexes`): a list of sorts,
-- each the API's `sort` ([{field, order}]); src/features/processes/sort-indexes.ts builds them.
alter table procedures add column sort_indexes jsonb;
