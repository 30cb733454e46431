/** Reading calendar/meeting-app messages: their words for the detector, and who scheduled the call. */
import fc from 'fast-check';
import { appNameOf, attachmentTexts, blockTexts, isAppMessage, schedulerCandidates } from '../../../src/services/appAnnouncements';

const callBlock = (createdBy: unknown) => ({
  type: 'call',
  call_id: 'R1',
  call: { v1: { id: 'R1', name: 'Zoom meeting started by ana', join_url: 'https://zoom.us/j/123', created_by: createdBy, has_ended: false }, media_backend_type: 'platform_call' },
});

describe('schedulerCandidates', () => {
  it('reads the Calls API creator from a call block first', () => {
    expect(schedulerCandidates({ bot_id: 'B1', blocks: [callBlock('U0ANA')] })).toEqual(['U0ANA']);
  });

  it('then the posting user, then an organiser the app names', () => {
    expect(schedulerCandidates({ user: 'U0BOT', bot_id: 'B1', text: 'New event · Organizer: <@U0ANA|ana>' })).toEqual(['U0BOT', 'U0ANA']);
    expect(schedulerCandidates({ bot_id: 'B1', attachments: [{ text: '<@U0BEN> has started a meeting' }] })).toEqual(['U0BEN']);
    expect(schedulerCandidates({ bot_id: 'B1', blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Created by <@W0CHO>' }] }] })).toEqual(['W0CHO']);
    expect(
      schedulerCandidates({
        bot_id: 'B1',
        blocks: [
          {
            type: 'rich_text',
            elements: [
              {
                type: 'rich_text_section',
                elements: [
                  { type: 'user', user_id: 'U0DEV' },
                  { type: 'text', text: ' scheduled a meeting' },
                ],
              },
            ],
          },
        ],
      }),
    ).toEqual(['U0DEV']);
  });

  it('never guesses from display names or from guests', () => {
    expect(schedulerCandidates({ bot_id: 'B1', text: 'Jane Doe started a Zoom meeting' })).toEqual([]);
    expect(schedulerCandidates({ bot_id: 'B1', text: 'Guests: <@U0BEN>, <@U0CHO>' })).toEqual([]);
    expect(schedulerCandidates({ bot_id: 'B1', blocks: [callBlock('not-a-user'), callBlock(42)] })).toEqual([]);
  });

  it('never throws on odd shapes, and only returns user ids', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (user, text, attachments, blocks) => {
        const ids = schedulerCandidates({ user, text, attachments, blocks, bot_id: 'B1' });
        for (const id of ids) expect(id).toMatch(/^[UW][A-Z0-9]{2,}$/);
        expect(() => blockTexts({ blocks })).not.toThrow();
        expect(() => attachmentTexts({ attachments })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('the app’s words', () => {
  it('reads attachments, sections, context, headers, rich text and call blocks', () => {
    const e = {
      attachments: [{ title: 'Launch review', text: 'Thu 15:00', fields: [{ title: 'Video call', value: 'meet.google.com/abc-defg-hij' }] }],
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'New event' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Launch review*' }, fields: [{ type: 'mrkdwn', text: 'Thu 15:00' }] },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'Organizer: <@U0ANA>' },
            { type: 'image', image_url: 'x', alt_text: 'y' },
          ],
        },
        { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'link', url: 'https://zoom.us/j/1', text: 'Join' }] }] },
        callBlock('U0ANA'),
      ],
    };
    expect(attachmentTexts(e)).toEqual(['Launch review', 'Thu 15:00', 'Video call', 'meet.google.com/abc-defg-hij']);
    expect(blockTexts(e)).toEqual([
      'New event',
      '*Launch review*',
      'Thu 15:00',
      'Organizer: <@U0ANA>',
      '<https://zoom.us/j/1|Join>',
      'Zoom meeting started by ana https://zoom.us/j/123',
    ]);
  });

  it('knows an app message and its name', () => {
    expect(isAppMessage({ bot_id: 'B1' })).toBe(true);
    expect(isAppMessage({ subtype: 'bot_message' })).toBe(true);
    expect(isAppMessage({ user: 'U1' })).toBe(false);
    expect(appNameOf({ bot_profile: { name: 'Zoom' } })).toBe('Zoom');
    expect(appNameOf({ username: 'Google Calendar' })).toBe('Google Calendar');
    expect(appNameOf({ bot_profile: 'junk' })).toBeUndefined();
  });
});
