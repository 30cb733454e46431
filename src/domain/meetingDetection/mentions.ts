/** Who a message mentions, read from Slack's `<@U…>` tokens. */

/** User ids from `<@U123>` and `<@U123|name>` mentions, de-duplicated, in order of appearance. */
export function extractMentionedUserIds(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) {
    const id = m[1];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
