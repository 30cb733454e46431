/**
 * Reads many rows before a synchronous renderer runs: views take plain lookups (`(id) => row`), and
 * a store answers asynchronously, so the rows a view may ask for are fetched first.
 */
import type { UserRow } from './queries/users';
import type { StoreOf, UserQueries, WorkspaceQueries } from './store';

/** The people among `userIds` Handoff knows (each looked up once), by user id. */
export async function usersById(store: StoreOf<UserQueries>, teamId: string, userIds: Iterable<string>): Promise<Map<string, UserRow>> {
  return usersOf(
    store,
    Array.from(userIds, (userId) => ({ teamId, userId })),
  );
}

/** A person as stored: their own workspace and id. */
export interface PersonRef {
  teamId: string;
  userId: string;
}

/** Each person once (the first workspace named for them), in order. */
export function uniquePeople(people: Iterable<PersonRef>): PersonRef[] {
  const unique = new Map<string, PersonRef>();
  for (const p of people) if (!unique.has(p.userId)) unique.set(p.userId, p);
  return [...unique.values()];
}

/**
 * The people Handoff knows among `people`, each read in their own workspace, by user id (one org's
 * user ids are the same in all its workspaces; a card names people of one workspace or one org).
 */
export async function usersOf(store: StoreOf<UserQueries>, people: Iterable<PersonRef>): Promise<Map<string, UserRow>> {
  const refs = uniquePeople(people);
  const rows = await Promise.all(refs.map((p) => store.getUser(p.teamId, p.userId)));
  const byId = new Map<string, UserRow>();
  rows.forEach((row, i) => row && byId.set(refs[i]!.userId, row));
  return byId;
}

/**
 * For cards read in workspace `teamId`: the names of the other workspaces `handoffs` were made in (an
 * Enterprise Grid org's siblings). No read when all were made here.
 */
export async function otherWorkspaceNames(
  store: Pick<WorkspaceQueries, 'workspaceNames'>,
  teamId: string,
  handoffs: Iterable<{ teamId: string }>,
): Promise<{ teamId: string; nameOf: (teamId: string) => string | null }> {
  const others = new Set<string>();
  for (const h of handoffs) if (h.teamId !== teamId) others.add(h.teamId);
  const names = new Map(others.size === 0 ? [] : (await store.workspaceNames([...others])).map((n) => [n.teamId, n.name] as const));
  return { teamId, nameOf: (t) => names.get(t) ?? null };
}
