/**
 * One sweep = one transaction: find everyone whose digest is due (everything overdue, not just this
 * minute — node-cron drops late runs), apply the catch-up policy, insert one outbox row per
 * (team, person, local date) — a second insert for the same date is ignored — and advance each
 * person from the scheduled local date. Sending happens later, outside the transaction.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users, workspaces } from '../db/schema';
import { enqueue } from '../db/queries/outbox';
import { updateUser } from '../db/queries/users';
import { planCatchUp } from '../domain/workSchedule';
import { scheduleOf } from '../services/people';
import { maxLocalDate } from '../time';

export interface SweepResult {
  due: number;
  enqueued: number;
  skipped: number;
}

export const digestDedupeKey = (userId: string, localDate: string) => `digest:${userId}:${localDate}`;

export function sweepDueDigests(db: Db, now: Date, maxLateMs: number, limit = 50_000): SweepResult {
  return db.transaction((tx) => {
    const due = tx
      .select({ u: users })
      .from(users)
      .leftJoin(workspaces, eq(workspaces.teamId, users.teamId))
      .where(
        and(
          lte(users.nextDigestAt, now.getTime()),
          eq(users.digestEnabled, true),
          // Uninstalled / revoked workspaces keep their schedule frozen; catch-up applies on return.
          sql`coalesce(${workspaces.status}, 'active') = 'active'`,
        ),
      )
      .orderBy(users.nextDigestAt)
      .limit(limit)
      .all()
      .map((r) => r.u);
    let enqueued = 0;
    let skipped = 0;
    for (const u of due) {
      const schedule = scheduleOf(u);
      const plan = planCatchUp(schedule, { localDate: u.nextDigestLocalDate!, at: new Date(u.nextDigestAt!) }, now, maxLateMs);
      let last = u.lastDigestLocalDate;
      for (const slot of plan.skipped) {
        enqueue(tx, { teamId: u.teamId, kind: 'digest', dedupeKey: digestDedupeKey(u.userId, slot.localDate), userId: u.userId, localDate: slot.localDate, status: 'skipped', lastError: 'missed: more than the catch-up window late' }, now);
        last = last ? maxLocalDate(last, slot.localDate) : slot.localDate;
      }
      skipped += plan.skippedCount;
      if (plan.send) {
        if (enqueue(tx, { teamId: u.teamId, kind: 'digest', dedupeKey: digestDedupeKey(u.userId, plan.send.localDate), userId: u.userId, localDate: plan.send.localDate }, now) !== null) enqueued += 1;
        last = last ? maxLocalDate(last, plan.send.localDate) : plan.send.localDate;
      }
      updateUser(tx, u.teamId, u.userId, { nextDigestAt: plan.next.at.getTime(), nextDigestLocalDate: plan.next.localDate, lastDigestLocalDate: last }, now);
    }
    return { due: due.length, enqueued, skipped };
  });
}
