/** Socket Mode wiring: with an app-level token the app builds a Socket Mode receiver, no signing secret needed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SocketModeReceiver } from '@slack/bolt';
import { loadConfig } from '../../../src/config';
import { createHandoff } from '../../../src/app';

it('uses Socket Mode when SLACK_APP_TOKEN is set', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-socket-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_APP_TOKEN: 'xapp-1-A1-1-abc',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    DATABASE_URL: `file:${dir}/h.db`,
    LOG_LEVEL: 'silent',
  });
  expect(config.mode).toBe('socket');
  const handoff = createHandoff(config, { startScheduler: false, logDestination: { write: () => undefined } });
  // Bolt keeps the receiver private; its type is what matters here.
  expect((handoff.app as unknown as { receiver: unknown }).receiver).toBeInstanceOf(SocketModeReceiver);
  await handoff.stop();
});
