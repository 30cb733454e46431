/**
 * SQLite compiles a statement again on every call when its LIMIT (or OFFSET) is a bare bound parameter
 * (see src/db/prepared.ts): every SQLite statement in src/ writes it `limit +?` / `limit +@name`.
 * PostgreSQL's statements (src/db/pg/) are not concerned.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
// `?` not followed by another (`opts.limit ?? 500` is TypeScript); comment lines are skipped.
const BARE_BOUND_LIMIT = /\b(limit|offset)\s+(\?(?!\?)|@\w+|:\w+|\$\w+)/gi;
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
  });

  it('no statement in src/ (outside src/db/pg) binds a bare LIMIT or OFFSET', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => !COMMENT_LINE.test(line))
        .flatMap((line) => [...line.matchAll(BARE_BOUND_LIMIT)].map((m) => `${path.relative(SRC, f)}: ${m[0]}`)),
    );
    expect(found).toEqual([]);
  });
});
