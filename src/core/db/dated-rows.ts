/** Rows given new creation and update times (the demo's sample data is placed in the past this way). */
export interface DatedRow {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The rows as three parameter arrays, for `unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[])`. */
export const datedColumns = (rows: DatedRow[]) => [
  rows.map((r) => r.id),
  rows.map((r) => r.createdAt.toISOString()),
  rows.map((r) => r.updatedAt.toISOString()),
];
