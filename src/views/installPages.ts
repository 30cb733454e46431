/**
 * The web pages of distributed mode's install flow (issue 15): GET /slack/install (an "Add to Slack"
 * page) and what GET /slack/oauth_redirect shows once Slack sends the person back — what happened, in
 * plain words, and what to do next. Plain HTML, no scripts, every dynamic value escaped.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1d1c1d; }
  h1 { font-size: 1.6rem; }
  .button { display: inline-block; padding: .6rem 1.2rem; border-radius: .4rem; background: #4a154b; color: #fff; text-decoration: none; font-weight: 600; }
  li { margin: .3rem 0; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}

/** GET /slack/install: what Handoff is and the button that starts Slack's OAuth flow at `authorizeUrl`. */
export function installPage(authorizeUrl: string): string {
  return page(
    'Add Handoff to Slack',
    `<h1>Add Handoff to your Slack workspace</h1>
<p>Handoff turns “I need X from you” into a structured handoff that reaches people when their workday starts, in their own time zone, with one morning digest per person.</p>
<p><a class="button" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
<p>Slack asks you to pick a workspace (or, on Enterprise Grid, your organisation) and to allow what Handoff needs. Installing for a whole organisation needs an org admin.</p>`,
  );
}

export interface InstalledPageInput {
  orgWide: boolean;
  teamId: string | null;
  teamName: string | null;
  enterpriseName: string | null;
  /** Where an org admin adds the app to the org's workspaces (org-wide installs). */
  addToWorkspacesUrl: string | null;
}

/** Shown after a successful install: where Handoff now runs and what to do next. */
export function installedPage(input: InstalledPageInput): string {
  if (input.orgWide) {
    const org = escapeHtml(input.enterpriseName ?? 'your organisation');
    const add = input.addToWorkspacesUrl
      ? `<a href="${escapeHtml(input.addToWorkspacesUrl)}">add Handoff to the workspaces</a> that should use it`
      : 'add Handoff to the workspaces that should use it (your org’s app management page)';
    return page(
      'Handoff is installed',
      `<h1>Handoff is installed for ${org}</h1>
<p>One install serves every workspace of the organisation. What to do next:</p>
<ol>
  <li>As an org admin, ${add}.</li>
  <li>In any of them, type <code>/handoff help</code> to start.</li>
  <li>Invite <code>@Handoff</code> to channels where it should offer a handoff instead of a meeting.</li>
</ol>`,
    );
  }
  const name = escapeHtml(input.teamName ?? 'your workspace');
  const open = input.teamId ? ` <a href="https://app.slack.com/client/${encodeURIComponent(input.teamId)}">Open Slack</a>.` : '';
  return page(
    'Handoff is installed',
    `<h1>Handoff is installed in ${name}</h1>
<p>What to do next:${open}</p>
<ol>
  <li>Type <code>/handoff help</code> in any channel to see how it works, or <code>/handoff @someone what you need</code> to hand something off.</li>
  <li>Invite <code>@Handoff</code> to channels where it should offer a handoff instead of a meeting.</li>
  <li>Everyone gets a morning digest at the start of their own workday; <code>/handoff settings</code> changes hours and days.</li>
</ol>`,
  );
}

/** Why an install did not happen, from InstallProvider's error code (or Slack's). */
export type InstallFailure = 'cancelled' | 'expired_link' | 'no_code' | 'slack_refused' | 'not_saved';

export function installFailure(code: string): InstallFailure {
  switch (code) {
    case 'slack_oauth_installer_authorization_error':
      return 'cancelled';
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return 'expired_link';
    case 'slack_oauth_missing_code':
      return 'no_code';
    case 'slack_webapi_platform_error':
    case 'slack_webapi_http_error':
    case 'slack_webapi_request_error':
    case 'slack_webapi_rate_limited_error':
      return 'slack_refused';
    default:
      return 'not_saved';
  }
}

const AGAIN = '<p><a class="button" href="/slack/install">Start again</a></p>';

/** Shown when an install did not complete; `detail` is Slack's error code, if any (never a secret). */
export function installFailedPage(failure: InstallFailure, detail?: string): string {
  const code = detail ? ` (Slack said: <code>${escapeHtml(detail)}</code>)` : '';
  switch (failure) {
    case 'cancelled':
      return page('Handoff was not installed', `<h1>Handoff was not installed</h1><p>The installation was cancelled in Slack. Nothing was changed.</p>${AGAIN}`);
    case 'expired_link':
      return page(
        'This install link has expired',
        `<h1>This install link has expired</h1><p>An install must be finished within 10 minutes, in the same browser it was started in. Nothing was installed.</p>${AGAIN}`,
      );
    case 'no_code':
      return page('Handoff was not installed', `<h1>Handoff was not installed</h1><p>Slack sent you back without an authorization. Nothing was installed.</p>${AGAIN}`);
    case 'slack_refused':
      return page(
        'Handoff was not installed',
        `<h1>Handoff was not installed</h1><p>Slack refused to complete the installation${code}. Try again; if it keeps failing, the person running Handoff should check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information on api.slack.com/apps) and the Redirect URL (OAuth &amp; Permissions).</p>${AGAIN}`,
      );
    case 'not_saved':
      return page(
        'Handoff was not installed',
        `<h1>Handoff was not installed</h1><p>Slack approved the installation, but Handoff could not save it. Try again in a minute; if it keeps failing, the person running Handoff will find the reason in its logs.</p>${AGAIN}`,
      );
  }
}
