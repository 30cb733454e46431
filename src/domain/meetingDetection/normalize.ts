/**
 * Normalisation: Slack mrkdwn as delivered → lowercase, accent-free prose. Code and quoted lines are
 * dropped (someone else's words, or code, are never a proposal), Slack tokens are unwrapped and
 * URLs are kept aside so their parts never match a phrase.
 */
export interface NormalizedText {
  /** Lowercased, accent-free text with Slack formatting removed; URLs are kept in place. */
  text: string;
  /** Same as `text` with every URL replaced by the word `link`, so URL parts never match phrases. */
  prose: string;
  /** URLs found in `<url|label>` / `<url>` tokens and bare `https://…` text, lowercased. */
  urls: string[];
  /** Emoji in the message (`:name:` codes without colons and skin tones, unicode emoji as-is), for the model. */
  emoji: string[];
}

export const BARE_URL = /\bhttps?:\/\/[^\s<>|]+/g;

export function normalizeSlackText(raw: string): NormalizedText {
  let s = raw;
  // Code is never a proposal: `client.call("meeting.create")` or a pasted log must not fire.
  s = s.replace(/```[\s\S]*?(?:```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  // Quoted text (`>` lines; Slack sends them as `&gt;`) is someone else's words being discussed.
  // `>>>` quotes everything that follows.
  s = s.replace(/^\s*(?:&gt;|>){3}[\s\S]*$/m, ' ');
  s = s
    .split('\n')
    .filter((line) => !/^\s*(?:&gt;|>)/.test(line))
    .join('\n');

  const urls: string[] = [];
  s = s.replace(/<([^<>\n]+)>/g, (_all, inner: string) => {
    if (inner.startsWith('@')) return ' @user ';
    if (inner.startsWith('#')) return ' #channel ';
    if (inner.startsWith('!')) return ' @here ';
    const url = inner.split('|', 1)[0] ?? '';
    if (/^https?:\/\//i.test(url)) {
      urls.push(url.toLowerCase());
      return ` ${url} `;
    }
    return ' '; // mailto:, tel:, unknown tokens
  });
  s = s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  // A short double-quoted phrase is a mention, not a use: the "hop on a call" culture.
  s = s.replace(/["“][^"“”\n]{1,60}["”]/g, ' ');
  for (const m of s.matchAll(BARE_URL)) {
    const url = m[0].toLowerCase();
    if (!urls.includes(url)) urls.push(url);
  }

  const emoji = [...s.matchAll(/(?<![\w]):([a-z0-9_+'-]+):|[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}]/giu)]
    .map((m) => (m[1] ?? m[0]).toLowerCase())
    .filter((e) => !e.startsWith('skin-tone'));
  s = s
    .replace(/(?<![\w])(?::[a-z0-9_+'-]+:)+/gi, ' ') // :phone: :skin-tone-2:
    .replace(/[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}]|\u{FE0F}|\u{200D}/gu, ' ') // unicode emoji, ZWJ, VS16
    .replace(/[’‘`´]/g, "'")
    // Single-quoted spans are labels or mentions too ('Schedule meeting' button). Elisions such as
    // l'appel or let's are untouched because the opening quote must follow a space.
    .replace(/(^|[\s(])'[^'\n]{1,60}'(?=$|[\s.,!?;:)])/g, '$1 ')
    .replace(/[“”«»]/g, '"')
    .replace(/[¿¡]/g, ' ')
    .replace(/[—–]/g, ' - ')
    .toLowerCase()
    .replace(/œ/g, 'oe') // ligatures are letters, not accents: œil → oeil
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/\p{M}/gu, '') // strip accents: reunión → reunion, können → konnen
    .replace(/(^|\s)[*_~]+|[*_~]+(?=\s|$|[?!.,])/g, '$1') // *bold* _italic_ ~strike~
    .replace(/\s+/g, ' ')
    .trim();

  const prose = s.replace(BARE_URL, ' link ').replace(/\s+/g, ' ').trim();
  return { text: s, prose, urls, emoji };
}
