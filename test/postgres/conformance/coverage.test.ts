/**
 * The conformance suite calls every Store method: a query added to db/queries (and so to the
 * contract) fails here until a test in this folder exercises it on both backends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';

it('every Store method is called by a conformance test', async () => {
  const store = sqliteStore(openDatabase(':memory:'));
  const methods: string[] = [];
  // for…in: the SQLite store's methods live on its prototype.
  for (const name in store) if (typeof store[name as keyof typeof store] === 'function' && name !== 'close') methods.push(name);
  await store.close();
  const sources = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.ts') && f !== path.basename(__filename))
    .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8'))
    .join('\n');
  expect(methods.length).toBeGreaterThan(60);
  expect(methods.filter((name) => !sources.includes(`.${name}(`))).toEqual([]);
});
