/**
 * A table's header row of column headers. A falsy entry is a column this table leaves out (e.g. `run.drift && 'Drift'`),
 * so a conditional column reads in place rather than as a separate branch.
 */
export function TableHead({ columns }: { columns: readonly (string | false | null | undefined)[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          c ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : null,
        )}
      </tr>
    </thead>
  );
}
