import { asChannelMessage, isPersonSpeaking } from '../../../src/domain/messageEvent';
import { isUserId, leadingMention, mentionedUserIds } from '../../../src/domain/slackText';

describe('the one gate for "a person is speaking"', () => {
  it.each([
    [{ user: 'U1' }, true],
    [{ user: 'U1', subtype: 'thread_broadcast' }, true],
    [{ user: 'U1', subtype: 'huddle_thread' }, true],
    [{ user: 'U1', subtype: 'channel_join' }, false],
    [{ user: 'U1', subtype: 'message_changed' }, false],
    [{ user: 'U1', subtype: 'bot_message' }, false],
    [{ user: 'U1', botId: 'B1' }, false],
    [{ user: 'U1', hidden: true }, false],
    [{ user: '' }, false],
    [{}, false],
  ])('%j → %s', (m, expected) => expect(isPersonSpeaking(m)).toBe(expected));
});

describe('asChannelMessage', () => {
  it('keeps a message with the documented types, and refuses wrong types of what Handoff reads', () => {
    expect(asChannelMessage({ type: 'message', channel: 'C1', ts: '1.1', user: 'U1', text: 'hi', attachments: 'odd but unread' })).toMatchObject({ channel: 'C1', ts: '1.1', text: 'hi' });
    for (const odd of [null, 'message', { channel: 'C1' }, { ts: '1.1' }, { channel: 'C1', ts: '1.1', text: 42 }, { channel: 'C1', ts: '1.1', user: { id: 'U1' } }, { channel: 'C1', ts: '1.1', thread_ts: 7 }, { channel: 'C1', ts: '1.1', hidden: 'yes' }]) {
      expect(asChannelMessage(odd)).toBeNull();
    }
  });
});

describe('mentions', () => {
  it('reads plain and labelled mentions, once each, in order', () => {
    expect(mentionedUserIds('<@U2|ben> and <@W1> then <@U2> and <#C1|eng> <!here>')).toEqual(['U2', 'W1']);
  });
  it('leadingMention reads only a mention at the very start', () => {
    expect(leadingMention('<@U123|ana> please')).toEqual({ userId: 'U123', length: 11 });
    expect(leadingMention(' <@U123> please')).toBeNull();
    expect(leadingMention('<#C1|eng>')).toBeNull();
  });
  it('isUserId accepts U… and W… ids only', () => {
    expect([isUserId('U0ANA'), isUserId('W0GRID'), isUserId('T0TEAM'), isUserId('u0ana'), isUserId(7)]).toEqual([true, true, false, false, false]);
  });
});
