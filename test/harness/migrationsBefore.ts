/** A copy of a migrations folder holding only the migrations before `tag`: a database as an older release left it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Journal {
  entries: Array<{ tag: string }>;
}

export function migrationsBefore(dir: string, tag: string): string {
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag} in ${dir}`);
  const entries = journal.entries.slice(0, at);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-migrations-'));
  fs.mkdirSync(path.join(copy, 'meta'));
  for (const e of entries) fs.copyFileSync(path.join(dir, `${e.tag}.sql`), path.join(copy, `${e.tag}.sql`));
  fs.writeFileSync(path.join(copy, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return copy;
}
