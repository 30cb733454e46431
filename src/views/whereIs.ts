/**
 * Labels people with where they are, from what Handoff already knows (no Slack call): messages that
 * stay around get the city only ("Lisbon"); surfaces rendered on demand also get the local time now
 * ("14:02 in Lisbon"), and say when someone is away ("…, away until Mon 15 Mar (Slack status)", the
 * date in the reader's zone) or has public holidays before their next shift ("…; Tue 1 Dec is a
 * public holiday in Portugal").
 */
import { zoneOf, type PersonScheduleFields } from '../domain/personSchedule';
import { cityOf, formatLocal } from '../time';
import { awayPhrase, holidayPhrase } from './availability';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { PersonRef } from '../db/lookups';

export type PersonZone = PersonScheduleFields;

export function whereIsFrom(lookup: (userId: string) => PersonZone | undefined, now: Date | null, readerTz: string | null = null): (userId: string) => string | null {
  // One list names the same people, and people in the same few zones, many times over.
  const seen = new Map<string, string | null>();
  const zoneLabels = new Map<string, string>();
  const label = (tz: string) => {
    let l = zoneLabels.get(tz);
    if (l === undefined) zoneLabels.set(tz, (l = now ? `${formatLocal(now, tz, 'HH:mm')} in ${cityOf(tz)}` : cityOf(tz)));
    return l;
  };
  return (userId) => {
    if (seen.has(userId)) return seen.get(userId)!;
    const row = lookup(userId);
    let where: string | null = null;
    if (row && (row.tzOverride || row.slackTz)) {
      const tz = zoneOf(row);
      where = label(tz);
      if (now) {
        const away = awayPhrase(row, now, readerTz);
        const holiday = away ? null : holidayPhrase(row, now);
        if (away) where += `, ${away}`;
        else if (holiday) where += `; ${holiday}`;
      }
    }
    seen.set(userId, where);
    return where;
  };
}

/**
 * Everyone a handoff card names (author, active recipients), each with the workspace Handoff knows
 * them in (a recipient's own, which in an Enterprise Grid org may be a sibling of the handoff's): what
 * its `whereIs`/`nameOf` may ask about.
 */
export function peopleOnCards(handoffs: Iterable<Pick<HandoffWithRecipients, 'teamId' | 'authorId' | 'recipients'>>): PersonRef[] {
  const people: PersonRef[] = [];
  for (const h of handoffs) {
    people.push({ teamId: h.teamId, userId: h.authorId });
    for (const r of h.recipients) if (r.active) people.push({ teamId: r.recipientTeamId, userId: r.userId });
  }
  return people;
}
