/**
 * Command-line flags of the benches: `--name value`, lists `--name 1,2,3`, repeated `--app-env KEY=VALUE`
 * and `--app-node-arg ARG` (e.g. `--app-node-arg --cpu-prof`: Node refuses it in NODE_OPTIONS), `--app-entry FILE`.
 */
export function benchArgs(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const appEnv: Record<string, string> = {};
  argv.forEach((a, i) => {
    const [k, ...v] = a === '--app-env' ? (argv[i + 1] ?? '').split('=') : [];
    if (k) appEnv[k] = v.join('=');
  });
  const appNodeArgs = argv.flatMap((a, i) => (a === '--app-node-arg' && argv[i + 1] ? [argv[i + 1]!] : []));
  const num = (name: string, def: number) => Number(get(name) ?? def);
  return {
    get,
    num,
    /** Numbers; `10_000` and `10000` both work. */
    list: (name: string, def: string) => (get(name) ?? def).split(',').map((s) => Number(s.replace(/_/g, ''))),
    flag: (name: string) => argv.includes(`--${name}`),
    /** Environment for the app process, on top of the bench's own (its settings stay default otherwise). */
    appEnv,
    /** Node flags for the app process (before its entry point). */
    appNodeArgs,
    /** `--app-entry DIR/dist/index.js`: bench another build of Handoff (e.g. an older commit) instead of this tree's. */
    appEntry: get('app-entry'),
    /** Each kind alone, to both apps, before its CPU rounds (see KindOptions.kindWarmup); 0 s: none. */
    kindWarmup: { seconds: num('kind-warmup-seconds', 10), rate: num('kind-warmup-rate', 100) },
  };
}

/** `KEY=VALUE …`, or 'defaults'. */
export const describeEnv = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || 'defaults';
