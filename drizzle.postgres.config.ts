import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.sqlite.config.ts; `npm run db:generate` runs both.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pgSchema.ts',
  out: './migrations/postgres',
});
