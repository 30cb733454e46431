/** Away from a Slack status: conservative, in five languages, with the return date in the person's zone. */
import { awayFromStatus, awayUntilFromStatus, statusAwayFields, statusFromKey, statusKey, type SlackStatus } from '../../../src/domain/awayStatus';

const NOW = new Date('2026-12-04T10:00:00Z'); // Friday
const status = (text: string, emoji = '', expiration = 0): SlackStatus => ({ text, emoji, expiration });

describe('away from a Slack status', () => {
  it.each([
    [':palm_tree: OOO until Mon', ':palm_tree:', 'out_of_office'], // the words win over the emoji
    ['OOO until Mon', '', 'out_of_office'],
    ['Out of the office', '', 'out_of_office'],
    ['', ':face_with_thermometer:', 'sick'],
    ['Out sick', '', 'sick'],
    ['de vacaciones', '', 'vacation'],
    ['en congé', '', 'vacation'],
    ['im Urlaub', ':palm_tree:', 'vacation'],
    ['de férias', '', 'vacation'],
    ['On parental leave', ':baby:', 'parental_leave'],
    ['Licença-maternidade', '', 'parental_leave'],
    ['Elternzeit bis März', '', 'parental_leave'],
    ['Travelling to Lisbon', ':airplane:', 'travel'],
    ['en déplacement', '', 'travel'],
    ['Krank', '', 'sick'],
    ['', ':palm_tree::skin-tone-3', 'vacation'],
  ])('%j %j is away (%s)', (text, emoji, kind) => {
    expect(awayFromStatus(status(text, emoji), NOW)).toEqual({ kind, until: null });
  });

  it.each([
    ['Away from keyboard for lunch', ''],
    ['away', ''],
    ['In a meeting', ':spiral_calendar_pad:'],
    ['Commuting', ':bus:'],
    ['Working remotely', ':house_with_garden:'],
    ['brb', ':palm_tree:'],
    ['Back from vacation, catching up', ''],
    ['lunch', ':airplane:'],
    ['de vuelta de vacaciones', ''],
    ['Focus time', ':headphones:'],
    ['Planning the holiday party', ''],
    ['', ''],
  ])('%j %j is not away', (text, emoji) => {
    expect(awayFromStatus(status(text, emoji), NOW)).toBeNull();
  });

  // An explicit away word with a return phrase is away; the return phrase does not make it short.
  it.each([
    ['OOO, back on Monday', '', 'out_of_office'],
    ['Out of office - back on 15 Mar', '', 'out_of_office'],
    [':palm_tree: On vacation, back on the 15th', '', 'vacation'],
    ['Vacation - back in 2 weeks', '', 'vacation'],
    ['On leave, back in a few days', '', 'vacation'],
    ['Fuera de oficina', '', 'out_of_office'],
    ['Fuera de la oficina hasta el lunes', '', 'out_of_office'],
    ['Ferien', '', 'vacation'],
    ['In den Ferien bis 6.1.', ':palm_tree:', 'vacation'],
    ['De licença', '', 'vacation'],
    ['Licença médica', '', 'sick'],
    ['Licença-maternidade até março', '', 'parental_leave'],
    ['Außer Haus', '', 'out_of_office'],
    ['AUSSER HAUS', '', 'out_of_office'],
    ['Férias até dia 15', '', 'vacation'],
    ['Em férias', '', 'vacation'],
    ['Ausente hasta el lunes', '', 'out_of_office'],
    ['Ausente até segunda', '', 'out_of_office'],
    ['Ausente, vuelvo el 15', '', 'out_of_office'],
    ['Ausente', ':palm_tree:', 'vacation'], // the emoji says it
    ['Sick', '', 'sick'],
  ])('%j %j is away (%s)', (text, emoji, kind) => {
    expect(awayFromStatus(status(text, emoji), NOW)).toEqual({ kind, until: null });
  });

  // A short-absence phrase alone is not away, nor a mood, nor a trade fair, nor "ausente" alone.
  it.each([
    ['back in 10', ''],
    ['back in 5 min', ''],
    ['Back in 2h', ''],
    ['OOO, back in 10', ''], // a short absence wins over the away word
    ['back in a bit', ''],
    ['brb', ''],
    ['lunch', ''],
    ['afk', ''],
    ['Away from keyboard for lunch', ''],
    ['back from vacation', ''],
    ['away', ''],
    ['back on Monday', ''], // a return phrase alone says nothing about today
    ['Sick of meetings', ''],
    ['sick and tired of this build', ''],
    ['En ferias comerciales', ''],
    ['Ferias comerciales en Madrid', ''],
    ['Ausente', ''], // Slack's own word for the away presence: no more than "away"
    ['Ausente hasta las 15h', ''], // a few hours
    ['Ausente até 14:30', ''],
    ['Ferienwohnung gebucht', ''],
  ])('%j %j is not away', (text, emoji) => {
    expect(awayFromStatus(status(text, emoji), NOW)).toBeNull();
  });

  it('an expired status is not away; one with an end says until when', () => {
    const monday = Date.parse('2026-12-06T23:59:59Z') / 1000;
    expect(awayFromStatus(status('OOO', '', Date.parse('2026-12-04T09:00:00Z') / 1000), NOW)).toBeNull();
    expect(awayFromStatus(status('OOO', '', monday), NOW)).toEqual({ kind: 'out_of_office', until: new Date(monday * 1000) });
  });

  it('the return date is the first local day whose workday starts after the status ends', () => {
    const lisbon = { tz: 'Europe/Lisbon', startMinute: 9 * 60 };
    // Ends Sunday 23:59 in Lisbon: back Monday.
    expect(awayUntilFromStatus(lisbon, { kind: 'vacation', until: new Date('2026-12-06T23:59:59Z') }, NOW)).toBe('2026-12-07');
    // Ends Monday 00:00: back Monday.
    expect(awayUntilFromStatus(lisbon, { kind: 'vacation', until: new Date('2026-12-07T00:00:00Z') }, NOW)).toBe('2026-12-07');
    // Ends Monday 10:00, after the workday started: back Tuesday.
    expect(awayUntilFromStatus(lisbon, { kind: 'sick', until: new Date('2026-12-07T10:00:00Z') }, NOW)).toBe('2026-12-08');
    // In Tokyo the same instant (Mon 08:59 local) is before their 09:00 start: back Monday.
    expect(awayUntilFromStatus({ tz: 'Asia/Tokyo', startMinute: 540 }, { kind: 'sick', until: new Date('2026-12-06T23:59:00Z') }, NOW)).toBe('2026-12-07');
    // No end: away today, looked at again tomorrow.
    expect(awayUntilFromStatus(lisbon, { kind: 'sick', until: null }, NOW)).toBe('2026-12-05');
  });
});

describe('the stored status away, and the person’s “I’m not away”', () => {
  const lisbon = { tz: 'Europe/Lisbon', startMinute: 9 * 60 };
  const vacation = status('Vacationing | back Monday', ':palm_tree:', Date.parse('2026-12-08T23:59:59Z') / 1000);

  it('a key gives back the status it was made from (a | in the text included)', () => {
    expect(statusFromKey(statusKey(vacation))).toEqual(vacation);
    expect(statusFromKey('not a key')).toBeNull();
  });

  it('an away status is stored with its key; one that is not away stores nothing and forgets a correction', () => {
    expect(statusAwayFields(lisbon, vacation, null, NOW)).toEqual({
      statusAwayUntil: '2026-12-09',
      statusAwayKind: 'vacation',
      statusAwayKey: statusKey(vacation),
      statusAwayDismissed: null,
    });
    expect(statusAwayFields(lisbon, status('lunch'), statusKey(vacation), NOW)).toEqual({
      statusAwayUntil: null,
      statusAwayKind: null,
      statusAwayKey: null,
      statusAwayDismissed: null,
    });
  });

  it('the status the person dismissed stays ignored; any other away status applies again', () => {
    const key = statusKey(vacation);
    expect(statusAwayFields(lisbon, vacation, key, NOW)).toEqual({ statusAwayUntil: null, statusAwayKind: null, statusAwayKey: key, statusAwayDismissed: key });
    const longer = { ...vacation, expiration: vacation.expiration + 86_400 };
    expect(statusAwayFields(lisbon, longer, key, NOW)).toMatchObject({ statusAwayUntil: '2026-12-10', statusAwayDismissed: null });
  });

  it('a status past its end is no longer away, dismissed or not (read again at plan time without Slack)', () => {
    const after = new Date('2026-12-09T00:00:00Z');
    expect(statusAwayFields(lisbon, vacation, null, after).statusAwayKey).toBeNull();
  });
});
