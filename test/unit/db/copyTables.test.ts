/**
 * What migrate-to-postgres copies comes from the two drizzle schemas, not from a list: every table, in
 * foreign-key order, each column paired by name; a column added to both schemas is copied with no
 * edit to the migrator. Keys compare in SQLite's order; JSON compares as values.
 */
import { integer as pgInteger, jsonb, pgTable, text as pgText } from 'drizzle-orm/pg-core';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { compareKeys, copyTables, normalised, type TablePair } from '../../../src/db/copyTables';

describe('copyTables', () => {
  const tables = copyTables();
  const names = tables.map((t) => t.name);
  const byName = new Map(tables.map((t) => [t.name, t]));

  it('pairs every table of the schemas, parents before the tables that reference them', () => {
    expect([...names].sort()).toEqual([
      'deflection_mutes',
      'deflections',
      'delivery_pace',
      'handoff_events',
      'handoff_recipients',
      'handoffs',
      'installations',
      'outbox',
      'processed_events',
      'thread_participants',
      'users',
      'workspaces',
    ]);
    expect(names.indexOf('handoffs')).toBeLessThan(names.indexOf('handoff_recipients'));
    expect(names.indexOf('handoffs')).toBeLessThan(names.indexOf('handoff_events'));
  });

  it('finds the identity columns, the primary keys and the JSON columns', () => {
    expect(tables.filter((t) => t.identity).map((t) => `${t.name}.${t.identity?.name}`)).toEqual(['handoffs.id', 'outbox.id', 'deflections.id', 'handoff_events.id']);
    expect(byName.get('users')?.primaryKey.map((c) => c.name)).toEqual(['team_id', 'user_id']);
    expect(tables.flatMap((t) => t.columns.filter((c) => c.json).map((c) => `${t.name}.${c.name}`)).sort()).toEqual([
      'deflections.pending_mentions',
      'handoff_events.detail',
      'outbox.payload',
    ]);
  });

  it('copies a column added to both schemas without any change to the migrator', () => {
    const sqliteNotes = sqliteTable('notes', { id: integer('id').primaryKey({ autoIncrement: true }), body: text('body').notNull(), added: text('added_later') });
    const pgNotes = pgTable('notes', { id: pgInteger('id').primaryKey().generatedByDefaultAsIdentity(), body: pgText('body').notNull(), added: jsonb('added_later') });
    const [notes] = copyTables({ sqliteNotes }, { pgNotes });
    expect(notes?.columns.map((c) => [c.name, c.key, c.json])).toEqual([
      ['id', 'id', false],
      ['body', 'body', false],
      ['added_later', 'added', true],
    ]);
  });

  it('refuses schemas that drifted apart rather than copying part of a table', () => {
    const sqliteNotes = sqliteTable('notes', { id: integer('id').primaryKey(), body: text('body') });
    const pgNotes = pgTable('notes', { id: pgInteger('id').primaryKey(), body: pgText('body'), extra: pgText('extra') });
    expect(() => copyTables({ sqliteNotes }, { pgNotes })).toThrow('table notes: the SQLite and PostgreSQL schemas have different columns');
    const keyless = pgTable('notes', { id: pgInteger('id'), body: pgText('body') });
    expect(() => copyTables({ sqliteNotes }, { keyless })).toThrow('table notes has no primary key');
  });

  it('orders keys as SQLite does: text by UTF-8 bytes (not by UTF-16 units), numbers by value', () => {
    const users = byName.get('users') as TablePair;
    const key = (userId: string) => ({ teamId: 'T1', userId });
    // U+FF21 sorts before an emoji in UTF-8 (EF… < F0…) but after it in UTF-16 (FF21 > D83D).
    expect(compareKeys(users, key('U\uFF21'), key('U\u{1F600}'))).toBeLessThan(0);
    expect(compareKeys(users, key('UB'), key('Ua'))).toBeLessThan(0);
    expect(compareKeys(users, key('U1'), key('U1'))).toBe(0);
    const handoffs = byName.get('handoffs') as TablePair;
    expect(compareKeys(handoffs, { id: 9 }, { id: 10 })).toBeLessThan(0);
  });

  it('compares JSON as values (jsonb reorders keys and spacing) and everything else exactly', () => {
    const payload = byName.get('outbox')?.columns.find((c) => c.name === 'payload');
    const ask = byName.get('handoffs')?.columns.find((c) => c.name === 'ask');
    expect(normalised(payload!, '{"b": [1, {"d": 2, "c": "é"}], "a": null}')).toBe(normalised(payload!, '{"a":null,"b":[1,{"c":"é","d":2}]}'));
    expect(normalised(payload!, '{"a":1}')).not.toBe(normalised(payload!, '{"a":2}'));
    expect(normalised(ask!, 'x ')).not.toBe(normalised(ask!, 'x'));
    expect(normalised(ask!, null)).toBeNull();
  });
});
