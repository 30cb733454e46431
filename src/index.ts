/** Entry point of `npm start`: load .env, validate config, run until SIGTERM/SIGINT. */
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config';
import { openHandoff } from './app';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const handoff = await openHandoff(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    handoff.logger.info({ signal }, 'shutting down');
    handoff
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error('Error during shutdown', err);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => handoff.logger.error({ err: reason }, 'unhandled promise rejection'));
  await handoff.start();
}

main().catch((e: unknown) => {
  console.error('Handoff failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
