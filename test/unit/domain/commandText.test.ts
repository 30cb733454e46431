import { parseCommandText, titleFromAsk } from '../../../src/domain/commandText';
import { readableSlackText } from '../../../src/domain/slackText';

describe('parsing /handoff text', () => {
  it.each([
    ['', { kind: 'modal' }],
    ['help', { kind: 'help' }],
    ['LIST', { kind: 'list' }],
    ['settings', { kind: 'settings' }],
    ['done 12 shipped it', { kind: 'done', number: 12, note: 'shipped it' }],
    ['done #7', { kind: 'done', number: 7, note: '' }],
    ['done soon', { kind: 'done_usage' }],
    ['bananas', { kind: 'unknown', word: 'bananas' }],
  ])('%j', (text, expected) => expect(parseCommandText(text)).toEqual(expected));

  it('reads escaped mentions, de-duplicated, and the ask after them', () => {
    expect(parseCommandText('<@U1|ana> <@U2> , <@U1> the Q3 numbers')).toEqual({ kind: 'create', recipientIds: ['U1', 'U2'], plainNames: [], ask: 'the Q3 numbers' });
  });

  it('reports plain @names Slack did not escape', () => {
    expect(parseCommandText('@ana <@U2> the deck')).toEqual({ kind: 'create', recipientIds: ['U2'], plainNames: ['ana'], ask: 'the deck' });
  });

  it('refuses broadcasts and user groups, and asks for what is missing', () => {
    expect(parseCommandText('<!here> look')).toEqual({ kind: 'broadcast_mention', what: 'here' });
    expect(parseCommandText('<!subteam^S1|@design> look')).toEqual({ kind: 'broadcast_mention', what: '@design' });
    expect(parseCommandText('<@U1>')).toEqual({ kind: 'needs_ask', recipientIds: ['U1'] });
  });

  it('turns Slack wire format into plain text that shows where links really go', () => {
    expect(readableSlackText('ask <@U9|raj> in <#C1|eng> &lt;!channel&gt; <https://evil.example|docs> &amp; <!here>')).toBe(
      'ask @raj in #eng <!channel> docs (https://evil.example) & @here',
    );
  });

  it('titles a handoff with the first sentence, cut to length', () => {
    expect(titleFromAsk('Send the numbers. Then call legal.')).toBe('Send the numbers.');
    expect(titleFromAsk('x'.repeat(100))).toHaveLength(80);
  });
});
