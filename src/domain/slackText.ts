/**
 * Slack's wire format (escaped & < >, and <…> tokens) as a person would have typed it. Used for
 * everything Handoff stores from Slack text (command asks, shortcut and deflection pre-fills);
 * views escape it again. Links keep their real destination visible:
 * `<@U1>` → `@Ana`, `<#C1|eng>` → `#eng`, `<url|label>` → `label (url)`, `&lt;` → `<`.
 */
export function readableSlackText(text: string, names: ReadonlyMap<string, string> = new Map()): string {
  return text
    .replace(/<([^<>\n]*)>/g, (_all, inner: string) => {
      const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
      if (target.startsWith('@')) return `@${names.get(target.slice(1)) ?? label ?? target.slice(1)}`;
      if (target.startsWith('#')) return label ? `#${label}` : `#${target.slice(1)}`;
      if (target.startsWith('!subteam^')) return label ?? '@group';
      if (target.startsWith('!date^')) return label ?? '';
      if (target.startsWith('!')) return `@${target.slice(1)}`;
      if (target.startsWith('mailto:')) return label ?? target.slice(7);
      if (!label || label === target || target.endsWith(`/${label}`) || target.replace(/^https?:\/\//, '') === label) return target;
      return `${label} (${target})`;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
