/**
 * Keeps manifest.yml in sync with the code: every Web API method the code calls needs its scope in
 * the manifest, every event listener its subscription, every shortcut and command its entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BOT_SCOPES, CallbackIds, COMMAND } from '../../src/ids';
import { REDIRECT_PATH } from '../../src/slack/oauth';

const root = path.resolve(__dirname, '..', '..');
const manifestText = fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8');
/** Events Slack sends only to org-ready apps: the manifest names them, commented out, for org_deploy_enabled: true. */
const ORG_EVENTS = new Set(['team_access_granted', 'team_access_revoked']);
const manifest = parse(manifestText) as {
  features: { slash_commands: { command: string; should_escape: boolean }[]; shortcuts: { callback_id: string; type: string }[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
};

/** The bot scope each Web API method needs (null: no scope). A new method must be added here. */
const METHOD_SCOPES: Record<string, string | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.getPermalink': null,
  'conversations.open': 'im:write',
  'users.info': 'users:read',
  'users.list': 'users:read', // everyone's status, once a day (services/statusReads.ts)
  'views.open': null,
  'views.update': null,
  'views.publish': null,
  'views.push': null,
  'api.test': null, // /readyz in distributed mode
  'oauth.v2.access': null, // installs and token refreshes (client id and secret)
  // @slack/web-api's helper: files.getUploadURLExternal and files.completeUploadExternal (the weekly report's chart).
  filesUploadV2: 'files:write',
};

/** conversations.history/replies are used on DMs (recovery) and channels (refresh, thread recipients). */
const HISTORY_SCOPES = ['im:history', 'channels:history', 'groups:history'];

/** Events whose subscription needs a scope; message covers both channel kinds Handoff watches. */
const EVENT_SUBSCRIPTIONS: Record<string, string[]> = {
  message: ['message.channels', 'message.groups'],
};
const EVENT_SCOPES: Record<string, string> = {
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  user_change: 'users:read',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = sourceFiles(path.join(root, 'src')).map((f) => fs.readFileSync(f, 'utf8'));
const all = sources.join('\n');

describe('manifest.yml matches the code', () => {
  const scopes = new Set(manifest.oauth_config.scopes.bot);
  const events = new Set(manifest.settings.event_subscriptions.bot_events);

  it('grants a scope for every Web API method the code calls', () => {
    const used = new Set([...all.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
    if (/client\.filesUploadV2\(/.test(all)) used.add('filesUploadV2');
    expect(used.size).toBeGreaterThan(5);
    for (const method of used) {
      if (method === 'conversations.history' || method === 'conversations.replies') {
        for (const s of HISTORY_SCOPES) expect(scopes).toContain(s);
        continue;
      }
      expect(Object.keys(METHOD_SCOPES)).toContain(method);
      const scope = METHOD_SCOPES[method];
      if (scope) expect(scopes).toContain(scope);
    }
  });

  it('subscribes to every event a listener handles, with its scope', () => {
    const handled = [...all.matchAll(/(?:app|router)\.event\('([\w.]+)'/g)].map((m) => m[1]!);
    expect(handled).toEqual(expect.arrayContaining(['app_home_opened', 'message', 'user_change', 'app_uninstalled', 'tokens_revoked']));
    for (const event of handled) {
      if (ORG_EVENTS.has(event)) {
        expect(manifestText).toMatch(new RegExp(`^ +# - ${event}$`, 'm'));
        continue;
      }
      for (const sub of EVENT_SUBSCRIPTIONS[event] ?? [event]) {
        expect(events).toContain(sub);
        const scope = EVENT_SCOPES[sub];
        if (scope) expect(scopes).toContain(scope);
      }
    }
  });

  it('declares /handoff with escaped mentions, the shortcut, App Home, interactivity and Socket Mode', () => {
    const cmd = manifest.features.slash_commands.find((c) => c.command === COMMAND);
    expect(cmd?.should_escape).toBe(true);
    expect(manifest.features.shortcuts).toContainEqual(expect.objectContaining({ callback_id: CallbackIds.handThisOffShortcut, type: 'message' }));
    expect(all).toContain('CallbackIds.handThisOffShortcut');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('asks an "Add to Slack" install for exactly the scopes it grants, and names the redirect route', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect(manifest.oauth_config.redirect_urls).toHaveLength(1);
    expect(new URL(manifest.oauth_config.redirect_urls[0]!).pathname).toBe(REDIRECT_PATH);
  });

  it('asks for no scope the code does not need', () => {
    const needed = new Set<string>(['commands', ...HISTORY_SCOPES]);
    for (const s of Object.values(METHOD_SCOPES)) if (s) needed.add(s);
    for (const s of Object.values(EVENT_SCOPES)) needed.add(s);
    for (const s of scopes) expect(needed).toContain(s);
  });
});
