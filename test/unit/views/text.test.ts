import fc from 'fast-check';
import { escapeMrkdwn, safeMrkdwn, slackDate, truncate } from '../../../src/views/text';

describe('text safety', () => {
  it('escapes the three control characters so no <!channel>, mention or link can be formed', () => {
    expect(escapeMrkdwn('<!channel> <@U1> <http://x|y> & co')).toBe('&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; &amp; co');
  });

  it('never outputs a raw < or > and never exceeds the limit (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 2, max: 300 }), (s, max) => {
        const out = safeMrkdwn(s, max);
        expect(out).not.toMatch(/[<>]/);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
        // A cut never leaves half an entity behind.
        expect(out).not.toMatch(/&[a-z]*…$/);
      }),
    );
  });

  it('truncates by code point with an ellipsis', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('formats times for each reader with <!date> and a UTC fallback', () => {
    expect(slackDate(new Date('2026-11-25T12:00:00Z'))).toBe('<!date^1795608000^{date_short_pretty} at {time}|2026-11-25 12:00 UTC>');
  });
});
