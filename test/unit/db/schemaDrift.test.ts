/**
 * The SQLite schema (src/db/schema.ts) and its PostgreSQL twin (src/db/pgSchema.ts) must not drift:
 * same tables, columns, nullability, defaults, primary keys, unique keys, indexes and foreign keys,
 * and the same JavaScript row types (checked by the compiler below).
 */
import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import * as sqliteSchema from '../../../src/db/schema';
import * as pgSchema from '../../../src/db/pgSchema';
import { instant } from '../../../src/db/pgTypes';
import { schemaDifferences, schemaShape } from './schemaShape';

// Compile-time: a row read or written through either schema has the same JavaScript type.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const tableNames = [
  'workspaces',
  'users',
  'handoffs',
  'handoffRecipients',
  'handoffEvents',
  'outbox',
  'deflections',
  'deflectionMutes',
  'processedEvents',
  'installations',
  'deliveryPace',
  'threadParticipants',
] as const;
type Tables = (typeof tableNames)[number];
type Row<M, K extends Tables, Kind extends '$inferSelect' | '$inferInsert'> = M[K & keyof M] extends Record<Kind, infer R> ? R : never;
/** The tables whose select or insert row types differ between the two schemas. */
type RowMismatch = {
  [K in Tables]: Equal<Row<typeof sqliteSchema, K, '$inferSelect'>, Row<typeof pgSchema, K, '$inferSelect'>> extends true
    ? Equal<Row<typeof sqliteSchema, K, '$inferInsert'>, Row<typeof pgSchema, K, '$inferInsert'>> extends true
      ? never
      : K
    : K;
}[Tables];
// A mismatch makes this `true` unassignable, and the error names the table.
const rowTypesAgree: [RowMismatch] extends [never] ? true : RowMismatch = true;

describe('SQLite and PostgreSQL schemas', () => {
  it('have the same row types (checked by tsc) for every table', () => {
    expect(rowTypesAgree).toBe(true);
    // `Tables` above must list every table: a new one missing from it would escape the type check.
    expect(schemaShape(sqliteSchema).size).toBe(tableNames.length);
  });

  it('agree on tables, columns, nullability, defaults, keys and indexes', () => {
    expect(schemaDifferences(sqliteSchema, pgSchema)).toEqual([]);
  });

  it('describe the keys the product relies on (so the comparison is not vacuous)', () => {
    const pg = schemaShape(pgSchema);
    expect(pg.get('outbox')?.indexes.outbox_dedupe_uq).toEqual({ unique: true, columns: ['team_id', 'dedupe_key'], where: null });
    expect(pg.get('handoffs')?.indexes.handoffs_team_idem_uq).toEqual({ unique: true, columns: ['team_id', 'idempotency_key'], where: null });
    expect(pg.get('deflections')?.indexes.deflections_thread_uq?.unique).toBe(true);
    expect(pg.get('processed_events')?.primaryKey).toEqual(['team_id', 'event_id']);
    expect(pg.get('handoffs')?.indexes.handoffs_untold_idx?.where).toBe(`"handoffs"."author_notified_at" is null and "handoffs"."state" in ('done', 'declined')`);
  });

  describe('the comparison itself reports drift', () => {
    const processedEventsWith = (extra: boolean, atNullable: boolean, withIndex: boolean) =>
      pgTable(
        'processed_events',
        {
          teamId: text('team_id').notNull(),
          eventId: text('event_id').notNull(),
          at: atNullable ? instant('at') : instant('at').notNull(),
          ...(extra ? { replica: text('replica') } : {}),
        },
        (t) => [primaryKey({ columns: [t.teamId, t.eventId] }), ...(withIndex ? [index('processed_events_at_idx').on(t.at)] : [])],
      );
    const sqliteOnly = { processedEvents: sqliteSchema.processedEvents };

    it('sees nothing when the copy matches', () => {
      expect(schemaDifferences(sqliteOnly, { processedEvents: processedEventsWith(false, false, true) })).toEqual([]);
    });

    it('reports a column added to one schema only', () => {
      expect(schemaDifferences(sqliteOnly, { processedEvents: processedEventsWith(true, false, true) })).toEqual(['processed_events: column replica only in postgres']);
    });

    it('reports a change of nullability and a missing index', () => {
      expect(schemaDifferences(sqliteOnly, { processedEvents: processedEventsWith(false, true, false) })).toEqual([
        'processed_events: column at differs: sqlite {"notNull":true,"default":null,"generatedId":false}, postgres {"notNull":false,"default":null,"generatedId":false}',
        'processed_events: index processed_events_at_idx only in sqlite',
      ]);
    });

    it('reports a table missing from one schema', () => {
      const { deflectionMutes: _left, ...pgWithoutMutes } = pgSchema;
      expect(schemaDifferences(sqliteSchema, pgWithoutMutes)).toEqual(['deflection_mutes: table only in sqlite']);
    });
  });
});
