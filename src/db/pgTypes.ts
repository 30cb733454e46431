/**
 * PostgreSQL column types that hand the application the same JavaScript values as the SQLite schema,
 * so one query layer serves both: instants are epoch milliseconds (stored as timestamptz), JSON is
 * text (stored as jsonb).
 */
import { customType } from 'drizzle-orm/pg-core';

/** `2026-11-30 18:30:18.123+00` (drizzle's node-postgres driver returns timestamptz as text) → epoch ms. */
export function instantFromPostgres(value: string | Date): number {
  if (value instanceof Date) return value.getTime();
  // ISO 8601 wants a `T` and `+HH:MM`; PostgreSQL prints a space and may print just `+HH`.
  const iso = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`unreadable timestamptz from PostgreSQL: ${value}`);
  return ms;
}

/**
 * An instant: epoch milliseconds in JavaScript, `timestamp with time zone` in PostgreSQL (an integer
 * column would need bigint for milliseconds, and would read as a number to anyone querying by hand).
 * Raw `sql` fragments that compare it must pass a value through the column (drizzle operators do).
 */
export const instant = customType<{ data: number; driverData: string | Date }>({
  dataType: () => 'timestamp (3) with time zone',
  toDriver: (ms) => new Date(ms).toISOString(),
  fromDriver: instantFromPostgres,
});

/**
 * JSON the application reads and writes as text (as in SQLite), stored as jsonb. PostgreSQL keeps jsonb
 * normalised (key order, spacing), so what is read back is equal as JSON, not byte for byte.
 */
export const jsonText = customType<{ data: string; driverData: unknown }>({
  dataType: () => 'jsonb',
  toDriver: (text) => text,
  // node-postgres parses jsonb itself (a JSON string arrives as a JS string): hand back text, as SQLite does.
  fromDriver: (value) => JSON.stringify(value),
});
