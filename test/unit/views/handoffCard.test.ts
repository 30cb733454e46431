/** A card's number says which workspace it belongs to when it is read in a sibling workspace of the org. */
import type { SectionBlock } from '@slack/types';
import { handoffCard, handoffFallbackText, plainNumberLabel, type CardOptions } from '../../../src/views/handoffCard';
import { handoffRow } from '../../harness/handoffRows';

const NOW = new Date('2026-12-01T10:00:00Z');
const names: Record<string, string> = { TDESIGN: 'Design', TODD: '<!channel> *Ops* <http://evil.example|click>' };
const inWorkspace = (teamId: string): CardOptions => ({
  viewerId: 'UME',
  surface: 'list',
  now: NOW,
  detail: 'short',
  workspace: { teamId, nameOf: (t) => names[t] ?? null },
});
const headline = (teamId: string, options: CardOptions, more: Partial<ReturnType<typeof handoffRow>> = {}) =>
  ((handoffCard(handoffRow(NOW, { teamId, number: 4, ...more }), options)[0] as SectionBlock).text!.text as string).split('\n')[0];

describe('handoff card number', () => {
  it('read in its own workspace, or where no workspace is given: plain #4', () => {
    expect(headline('TDESIGN', inWorkspace('TDESIGN'))).toMatch(/^\*#4 · /);
    expect(headline('TDESIGN', { viewerId: 'UME', surface: 'dm', now: NOW, detail: 'full' })).toMatch(/^\*#4 · /);
  });

  it('read in a sibling workspace: its workspace named with it, or said to be another one while its name is not known', () => {
    expect(headline('TDESIGN', inWorkspace('TSALES'))).toMatch(/^\*Design #4 · /);
    expect(headline('TNEW', inWorkspace('TSALES'))).toMatch(/^\*#4 \(another workspace\) · /);
  });

  it('a title taken from the ask keeps the number bold on its own, named too', () => {
    expect(headline('TDESIGN', inWorkspace('TSALES'), { title: 'please review', ask: 'please review the plan' })).toMatch(/^\*Design #4\* · please review the plan/);
  });

  it('a workspace name pings nobody, links nowhere and does not break the bold', () => {
    const text = headline('TODD', inWorkspace('TSALES'));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<http');
    expect(text).not.toMatch(/\*Ops\*/);
    expect(text).toMatch(/^\*.*Ops.* #4 · /);
  });

  it('a long name that grows when escaped is cut, never the number', () => {
    const long = { teamId: 'TSALES', nameOf: () => '&'.repeat(70) };
    const text = headline('TDESIGN', { ...inWorkspace('TSALES'), workspace: long });
    expect(text).toMatch(/ #4 · Title/);
  });

  it('the notification text says it too, in plain words', () => {
    const h = handoffRow(NOW, { teamId: 'TDESIGN', number: 4, title: 'Review the plan' });
    expect(handoffFallbackText(h, 'New handoff', inWorkspace('TSALES').workspace)).toBe('New handoff Design #4: Review the plan');
    expect(handoffFallbackText(h, 'New handoff', inWorkspace('TDESIGN').workspace)).toBe('New handoff #4: Review the plan');
    expect(handoffFallbackText(h, 'New handoff')).toBe('New handoff #4: Review the plan');
  });

  it('in plain text (a form’s heading) the name is shown as written, cut on its own, since Slack does not parse it', () => {
    const h = { teamId: 'TODD', number: 4 };
    const plain = (nameOf: (t: string) => string | null) => plainNumberLabel(h, { teamId: 'TSALES', nameOf });
    expect(plain(() => 'R&D *core*')).toBe('R&D *core* #4');
    expect(plain(() => null)).toBe('#4 (another workspace)');
    expect(plain(() => 'x'.repeat(70))).toMatch(/^x{59}… #4$/);
    expect(plainNumberLabel(h, { teamId: 'TODD', nameOf: () => 'Ops' })).toBe('#4');
  });
});
