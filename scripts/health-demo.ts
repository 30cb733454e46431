/**
 * Seeds a demo workspace (ten people in six zones, six weeks of asks, answers and meeting prompts,
 * written through the Store as the app writes them) in a throwaway SQLite file, then writes the
 * async-health chart to docs/report-example.png and prints the text summary. Deterministic (seeded).
 *
 *   npm run demo:health [-- out.png]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../src/db/open';
import { decide } from '../src/domain/handoffLifecycle';
import { prng } from '../src/domain/prng';
import { isWorkingAt, nextWorkStart, type WorkSchedule } from '../src/domain/workSchedule';
import { healthChartPng, healthReport } from '../src/services/asyncHealthReport';
import { teamHealthText } from '../src/views/healthSummary';

const TEAM = 'T0DEMO';
const PEOPLE: [string, string][] = [
  ['U0ANA', 'Europe/Lisbon'],
  ['U0BEN', 'Europe/Berlin'],
  ['U0CHLOE', 'Europe/Berlin'],
  ['U0DEV', 'Asia/Kolkata'],
  ['U0EMI', 'Asia/Tokyo'],
  ['U0FIN', 'America/New_York'],
  ['U0GABI', 'America/Sao_Paulo'],
  ['U0HANA', 'Asia/Tokyo'],
  ['U0IAN', 'America/New_York'],
  ['U0JO', 'Europe/Lisbon'],
];
const FROM = new Date('2027-02-01T00:00:00Z');
const WEEKS = 6;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const scheduleOf = (tz: string): WorkSchedule => ({ tz, startMinute: 540, endMinute: 1020, workingDays: 0b0111110, awayUntil: null });

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'docs', 'report-example.png'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-health-demo-'));
  const { store } = openSqlite(path.join(dir, 'demo.db'));
  try {
    const random = prng(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    for (const [userId, tz] of PEOPLE) await store.upsertProfile(TEAM, userId, { displayName: userId.slice(2), isBot: false, deleted: false, slackTz: tz }, FROM);
    const zone = new Map(PEOPLE);
    let thread = 0;
    for (let week = 0; week < WEEKS; week++) {
      for (let day = 0; day < 5; day++) {
        const dayStart = FROM.getTime() + (week * 7 + day) * DAY;
        // A handful of asks a day, at any hour (someone somewhere is working).
        for (let k = 0; k < 4; k++) {
          const [author] = pick(PEOPLE);
          const recipient = pick(PEOPLE.filter(([u]) => u !== author))[0];
          const at = new Date(dayStart + Math.floor(random() * 24) * HOUR + Math.floor(random() * 60) * 60_000);
          const s = scheduleOf(zone.get(recipient)!);
          const draft = {
            authorId: author,
            recipientIds: [recipient],
            title: 'demo',
            context: '',
            ask: `demo ask ${week}.${day}.${k}`,
            links: '',
            ifOffline: 'wait' as const,
            neededByAt: null,
            channelId: null,
            urgent: false,
          };
          const created = await store.createHandoff(TEAM, draft, at, { idempotencyKey: null, sourcePermalink: null, heldFor: isWorkingAt(s, at) ? [] : [recipient] });
          if (created.status !== 'created') continue;
          // Answered some working hours after it reaches them: sooner as the weeks go by.
          const start = isWorkingAt(s, at) ? at : nextWorkStart(s, at);
          const answeredAt = new Date(start.getTime() + (0.5 + random() * Math.max(2, 40 - 7 * week)) * HOUR);
          if (random() < 0.1) continue; // still open
          const h = created.handoff;
          const decision = decide(
            { state: h.state, authorId: author, activeRecipients: [recipient] },
            recipient,
            random() < 0.9 ? { kind: 'complete', note: '' } : { kind: 'decline', reason: '' },
          );
          if (!decision.ok) continue;
          await store.transaction((tx) => tx.applyDecision({ teamId: TEAM, handoffId: h.id, actorId: recipient, decision, expectedState: h.state, note: null, now: answeredAt }));
        }
        // Meeting proposals, more of them turned into handoffs as the weeks go by.
        for (let k = 0; k < 2; k++) {
          const [userId] = pick(PEOPLE);
          const at = new Date(dayStart + (8 + Math.floor(random() * 10)) * HOUR);
          const threadTs = `1800000000.${String(++thread).padStart(6, '0')}`;
          const id = await store.reservePrompt({ teamId: TEAM, userId, channelId: 'C0DEMO', threadTs, messageTs: threadTs, reason: 'phrase' }, at, 0);
          if (id === null) continue;
          const r = random();
          const converted = 0.2 + 0.08 * week;
          const outcome = r < converted ? 'converted' : r < converted + 0.25 ? 'kept' : r < converted + 0.55 ? 'dismissed' : null;
          if (outcome) await store.setOutcome(id, outcome, new Date(at.getTime() + 10 * 60_000));
        }
      }
    }
    const report = await healthReport(store, TEAM, { from: FROM, to: new Date(FROM.getTime() + WEEKS * 7 * DAY) });
    fs.writeFileSync(out, await healthChartPng(report, 'Async health (demo workspace)'));
    console.log(teamHealthText(report));
    console.log(`\nWrote ${out}`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
