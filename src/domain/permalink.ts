/**
 * Links Handoff shows as "Original message" must point into this workspace. A permalink travels in
 * a modal's private_metadata, which a crafted submission controls, so it is accepted only when it
 * is the workspace's own Slack URL: https://<workspace>.slack.com/archives/…
 */

/** `workspaceUrl` is auth.test's `url`, e.g. https://acme.slack.com/ */
export function isWorkspacePermalink(link: string, workspaceUrl: string | undefined): boolean {
  if (!workspaceUrl) return false;
  let url: URL;
  let home: URL;
  try {
    url = new URL(link);
    home = new URL(workspaceUrl);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    home.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    url.hostname === home.hostname &&
    url.hostname.endsWith('.slack.com') &&
    /^\/archives\/[A-Z0-9]+\/p\d+$/.test(url.pathname) &&
    // Slack's own link is what chat.getPermalink returned; nothing in it may break out of <…|…>.
    !/[<>|\s]/.test(link)
  );
}
