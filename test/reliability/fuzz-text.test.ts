/**
 * Invisible and control characters (issue 10, item 10), the pure part: properties of cleanText
 * (src/domain/slackText.ts), the one function text passes through where it enters, and of the
 * mrkdwn helpers that show it. Nothing invisible survives; legitimate joiners (emoji ZWJ
 * sequences, Persian ZWNJ, subdivision flags) do; cleaning is idempotent and never lengthens text;
 * a bold span cannot be broken by `*` or a backtick. End to end: security-text.test.ts.
 */
import fc from 'fast-check';
import { cleanText, isInvisibleOrControl, readableSlackText } from '../../src/domain/slackText';
import { boldSafeMrkdwn, escapeMrkdwn, mrkdwnParts, safeMrkdwn } from '../../src/views/text';
import { CaseLog, checkProperty } from './support/cases';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
const runs = (n: number) => RUNS ?? n;

/** One of each kind the issue names, and their relatives. */
export const DANGEROUS = [
  '\u202E', // RIGHT-TO-LEFT OVERRIDE
  '\u202D', // LEFT-TO-RIGHT OVERRIDE
  '\u202A',
  '\u202B',
  '\u202C', // embeddings, pop
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069', // isolates
  '\u200E',
  '\u200F',
  '\u061C', // bidi marks
  '\u200B',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u180E',
  '\u034F', // zero-width and invisible
  '\u200D',
  '\u200C', // joiners outside a sequence they join
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u001B',
  '\u001F', // C0
  '\u007F', // DEL
  '\u0085',
  '\u009B', // C1
  '\u3164',
  '\u115F', // Hangul fillers ("blank" names)
  '\u{E0041}',
  '\u{E0020}', // tag characters outside a flag
  '\uFFFE',
  '\u{10FFFF}', // noncharacters
  '\uD800',
  '\uDFFF', // lone surrogates
];

/** Text people really write, none of which may change. */
const LEGIT = [
  'plain ASCII text',
  'émigré Straße',
  'мир',
  '日本語',
  'עברית',
  'العربية',
  'می\u200Cخواهم',
  '👩\u200D💻',
  '🏳\uFE0F\u200D🌈',
  '👍🏽',
  '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
  'tab\there',
  'line one\nline two',
  '`code` *bold* _it_ ~s~',
];

/** Where a joiner or a tag may stay (see cleanText). */
function misplacedSurvivors(out: string): string[] {
  const chars = Array.from(out);
  const bad: string[] = [];
  chars.forEach((ch, i) => {
    const before = chars[i - 1] ?? '';
    const after = chars[i + 1] ?? '';
    if (ch === '\u200D' && !(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F\u20E3]/u.test(before) && /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F\u20E3]/u.test(after)))
      bad.push(`ZWJ at ${i}`);
    if (ch === '\u200C' && !(/[\p{L}\p{M}\p{N}]/u.test(before) && /[\p{L}\p{M}\p{N}]/u.test(after))) bad.push(`ZWNJ at ${i}`);
    if (/[\u{E0000}-\u{E007F}]/u.test(ch)) {
      let start = i;
      while (start > 0 && /[\u{E0000}-\u{E007F}]/u.test(chars[start - 1]!)) start--;
      if (chars[start - 1] !== '🏴') bad.push(`tag at ${i}`);
    }
    if (isInvisibleOrControl(ch)) bad.push(`U+${ch.codePointAt(0)!.toString(16).toUpperCase()} at ${i}`);
  });
  return bad;
}

const mixed = fc
  .array(
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...DANGEROUS) },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      { weight: 1, arbitrary: fc.constantFrom(...LEGIT) },
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('fuzz: cleanText (pure)', () => {
  it('nothing invisible or controlling survives, except joiners and tags doing their job', async () => {
    await checkProperty(
      'fuzz',
      fc.asyncProperty(mixed, async (s) => {
        const bad = misplacedSurvivors(cleanText(s));
        if (bad.length) throw new Error(`survived: ${bad.join(', ')}`);
      }),
      { numRuns: runs(3000), seed: SEED },
    );
  });

  it('is idempotent, never lengthens text, keeps newlines and tabs', async () => {
    await checkProperty(
      'fuzz',
      fc.asyncProperty(mixed, async (s) => {
        const once = cleanText(s);
        if (cleanText(once) !== once) throw new Error('not idempotent');
        if (once.length > s.length) throw new Error('longer');
        const breaks = (x: string) => (x.match(/\r\n|[\n\r\u2028\u2029]/g) ?? []).length;
        if ((once.match(/\n/g) ?? []).length !== breaks(s)) throw new Error('a line break was lost or made up');
      }),
      { numRuns: runs(3000), seed: SEED + 1 },
    );
  });

  it('text people write (any script, emoji sequences, flags, Persian ZWNJ, formatting) is unchanged', async () => {
    const safeChar = fc.oneof(
      fc.constantFrom(...LEGIT),
      fc.string({ unit: 'grapheme-ascii', maxLength: 10 }).map((s) =>
        Array.from(s)
          .filter((ch) => (ch >= ' ' && ch !== '\u007F') || ch === '\n' || ch === '\t')
          .join(''),
      ),
    );
    await checkProperty(
      'fuzz',
      fc.asyncProperty(
        fc.array(safeChar, { maxLength: 20 }).map((p) => p.join(' ')),
        async (s) => {
          if (cleanText(s) !== s) throw new Error(`changed: ${JSON.stringify(s)} → ${JSON.stringify(cleanText(s))}`);
        },
      ),
      { numRuns: runs(2000), seed: SEED + 2 },
    );
  });

  it('the examples from the issue', async () => {
    const log = new CaseLog('fuzz');
    const cases: Array<[string, string, string]> = [
      ['RTL override', '\u202Egnp.exe', 'gnp.exe'],
      ['zero-width inside a word', 'ad\u200Bmin\u200D', 'admin'],
      ['bidi isolate around a name', '\u2067ana\u2069', 'ana'],
      ['NUL and DEL', 'a\u0000b\u007Fc', 'abc'],
      ['CR LF and line separators', 'a\r\nb\rc\u2028d', 'a\nb\nc\nd'],
      ['a name made of fillers', '\u3164\u3164', ''],
      ['Slack text with an override inside a link label', '<https://x.example|\u202Etxt.exe>', 'txt.exe (https://x.example)'],
    ];
    for (const [label, input, expected] of cases) {
      await log.check(label, () => expect(label.startsWith('Slack') ? readableSlackText(input) : cleanText(input)).toBe(expected));
    }
    log.finish();
  });
});

describe('fuzz: text given back in parts', () => {
  it('mrkdwnParts: every part within the limit, no escape split, all the text there (backticks aside)', async () => {
    await checkProperty(
      'fuzz',
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 400 }).map((s) => s.replace(/q/g, '&').replace(/z/g, '<')),
        fc.integer({ min: 6, max: 120 }),
        async (s, per) => {
          const parts = mrkdwnParts(s, per, 1000);
          if (parts.some((p) => p.length > per)) throw new Error('a part is over the limit');
          if (parts.some((p) => /&[a-z]{0,3}$/.test(p) && !/&(amp|lt|gt);$/.test(p))) throw new Error('an escape was split');
          // A lone backtick is shown as U+02CB: compare with both sides mapped the same way.
          const plain = (x: string) => x.replace(/\u02CB/g, '`');
          if (plain(parts.join('')) !== plain(escapeMrkdwn(cleanText(s)))) throw new Error('text lost or changed');
        },
      ),
      { numRuns: runs(1000), seed: SEED + 4 },
    );
  });
});

describe('fuzz: bold headline and backticks', () => {
  it('boldSafeMrkdwn never contains * or a backtick; safeMrkdwn always has an even number of backticks', async () => {
    await checkProperty(
      'fuzz',
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => s.replace(/x/g, '`').replace(/y/g, '*')),
        fc.integer({ min: 2, max: 250 }),
        async (s, max) => {
          const bold = boldSafeMrkdwn(s, max);
          if (/[*`]/.test(bold)) throw new Error(`bold span broken by ${JSON.stringify(bold)}`);
          const plain = safeMrkdwn(s, max);
          if ((plain.split('`').length - 1) % 2 !== 0) throw new Error(`odd backticks in ${JSON.stringify(plain)}`);
          if (Array.from(plain).length > max) throw new Error('over the limit');
        },
      ),
      { numRuns: runs(2000), seed: SEED + 3 },
    );
  });
});
