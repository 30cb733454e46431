import { defineConfig } from 'drizzle-kit';

// The SQLite schema's migrations; `npm run db:generate` runs this and drizzle.postgres.config.ts.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations/sqlite',
});
