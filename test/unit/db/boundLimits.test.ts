/**
 * SQLite compiles a statement again on every call when its LIMIT (or OFFSET) is a bare bound parameter
 * (see src/db/prepared.ts): every SQLite statement in src/ writes it `limit +?` / `limit +@name`.
 * PostgreSQL's statements (src/db/pg/) are not concerned, nor are drizzle-built queries (`.limit(n)`,
 * sql`… ${n}`): drizzle prepares those anew on every call anyway, and they are the rare ones.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
// `?` not followed by another (`opts.limit ?? 500` is TypeScript); also `limit (?)`, `limit +?, ?`
// (the second is the count) and a line break after LIMIT. Comment lines are skipped.
const PARAM = String.raw`(\(\s*)?(\?(?!\?)|@\w+|:\w+|\$\w+)`;
const BARE_BOUND_LIMIT = new RegExp(String.raw`\b(limit|offset)\s+(${PARAM}|\+?\S+\s*,\s*${PARAM})`, 'gi');
const COMMENT_LINE = /^\s*(\*|\/\/|\/\*)/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return full === path.join(SRC, 'db', 'pg') ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('bound LIMITs in SQLite statements', () => {
  it('the check finds a bare bound limit, and passes the written form', () => {
    expect('order by id limit ?'.match(BARE_BOUND_LIMIT)).toEqual(['limit ?']);
    expect('select 1 limit @limit'.match(BARE_BOUND_LIMIT)).toEqual(['limit @limit']);
    expect('order by id limit +? offset +@skip'.match(BARE_BOUND_LIMIT)).toBeNull();
    expect('const n = opts.limit ?? 500;'.match(BARE_BOUND_LIMIT)).toBeNull();
    expect('order by id limit\n      ?'.match(BARE_BOUND_LIMIT)).toHaveLength(1);
    expect('order by id limit (?)'.match(BARE_BOUND_LIMIT)).toHaveLength(1);
    expect('order by id limit +?, ?'.match(BARE_BOUND_LIMIT)).toHaveLength(1);
    expect('order by id limit +?, +?'.match(BARE_BOUND_LIMIT)).toBeNull();
  });

  it('no statement in src/ (outside src/db/pg) binds a bare LIMIT or OFFSET', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => {
      const code = fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => !COMMENT_LINE.test(line))
        .join('\n');
      return [...code.matchAll(BARE_BOUND_LIMIT)].map((m) => `${path.relative(SRC, f)}: ${m[0].replace(/\s+/g, ' ')}`);
    });
    expect(found).toEqual([]);
  });
});
