/** Moved to db/prepared.ts (every SQL statement lives under db/); kept as a re-export for the scheduler. */
export { prepared, sqliteOf } from '../db/prepared';
