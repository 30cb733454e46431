/**
 * Reads many rows before a synchronous renderer runs: views take plain lookups (`(id) => row`), and
 * a store answers asynchronously, so the rows a view may ask for are fetched first.
 */
import type { UserRow } from './queries/users';
import type { StoreOf, UserQueries } from './store';

/** The people among `userIds` Handoff knows (each looked up once), by user id. */
export async function usersById(store: StoreOf<UserQueries>, teamId: string, userIds: Iterable<string>): Promise<Map<string, UserRow>> {
  const ids = [...new Set(userIds)];
  const rows = await Promise.all(ids.map((id) => store.getUser(teamId, id)));
  const byId = new Map<string, UserRow>();
  rows.forEach((row, i) => row && byId.set(ids[i]!, row));
  return byId;
}
