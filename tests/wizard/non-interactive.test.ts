import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { homeWithKey } from './support.js';

const RECORD_IMPORTS = resolve(import.meta.dirname, '../support/record-imports.mjs');

/** `init` without a terminal: flags and defaults only, never a prompt. */
function init(args: string[], options: { home?: string; env?: NodeJS.ProcessEnv } = {}) {
  const workingDir = temporaryDirectory('ttd-init-');
  const home = options.home ?? homeWithKey();
  const run = runBinary(['init', '--non-interactive', '--working-dir', workingDir, ...args], { env: { HOME: home, ...options.env } });
  return { workingDir, home, run };
}

describe('init --non-interactive', () => {
  it('names every flag it still needs and writes nothing (exit 2)', async () => {
    const { workingDir, run } = init(['--name', 'ci']);
    const result = await run;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs an answer for --description, --provider, .*--backup-retention/);
    expect(result.stderr).toContain('or --yes to accept their defaults');
    expect(result.stderr).not.toContain('--name,');
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });

  it('with --yes writes a valid 0600 file with generated secrets and prints the next command', async () => {
    const { workingDir, run } = init(['--yes', '--name', 'ci']);
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Next: ttd deploy envs/ci.toml\n');
    const path = join(workingDir, 'envs', 'ci.toml');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const loaded = await loadConfigFile(path, {});
    expect(loaded.problems).toEqual([]);
    const token = loaded.config?.tracker.http_api.admin_token ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('a required answer without a default is exit 2 even with --yes, naming the flags', async () => {
    const { workingDir, run } = init(['--yes', '--https']);
    const result = await run;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs an answer for --domain, .*--https-email/);
    expect(result.stderr).toContain('(no default)');
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });

  it('an invalid flag value is exit 2 naming the flag and the rule', async () => {
    const { run } = init(['--yes', '--name', 'My_Tracker']);
    const result = await run;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--name: environment name is invalid: it contains uppercase letters: MT');
    expect((await init(['--yes', '--ssh-port', 'twenty-two']).run).stderr).toContain("--ssh-port 'twenty-two' is not a whole number");
    expect((await init(['--yes', '--provider', 'aws']).run).stderr).toContain('--provider: choose one of: lxd, hetzner, existing');
  });

  it('answers that conflict with each other are exit 2 naming the flag to change', async () => {
    const result = await init(['--yes', '--http-ports', '1212']).run;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--(http-ports|api-port): port conflict/);
  });

  it('never overwrites an existing file (the config or its secrets file) without --force', async () => {
    const home = homeWithKey();
    const { workingDir, run } = init(['--yes', '--name', 'keep'], { home });
    expect((await run).code).toBe(0);
    const path = join(workingDir, 'envs', 'keep.toml');
    const secretsPath = join(workingDir, 'envs', 'keep.secrets');
    const secrets = readFileSync(secretsPath, 'utf8');
    writeFileSync(path, '# mine\n');
    const again = await runBinary(['init', '--non-interactive', '--yes', '--name', 'keep', '--working-dir', workingDir], { env: { HOME: home } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('envs/keep.toml and envs/keep.secrets already exist');
    expect(again.stderr).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe('# mine\n');
    expect(readFileSync(secretsPath, 'utf8')).toBe(secrets);

    // The secrets file alone is enough to refuse: its secrets may be all that is left of a deployed environment.
    unlinkSync(path);
    const secretsOnly = await runBinary(['init', '--non-interactive', '--yes', '--name', 'keep', '--working-dir', workingDir], { env: { HOME: home } });
    expect(secretsOnly.code).toBe(1);
    expect(secretsOnly.stderr).toContain('envs/keep.secrets already exists');
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(secretsPath, 'utf8')).toBe(secrets);

    const forced = await runBinary(['init', '--non-interactive', '--yes', '--force', '--name', 'keep', '--working-dir', workingDir], { env: { HOME: home } });
    expect(forced.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain('name = "keep"');
    expect(readFileSync(secretsPath, 'utf8')).not.toBe(secrets);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(secretsPath).mode & 0o777).toBe(0o600);
  });

  it('takes the Hetzner token from HCLOUD_TOKEN without writing it, and asks for --hetzner-token when it is not set', async () => {
    const token = 'hcloud-from-the-environment-0123456789';
    const { workingDir, run } = init(['--yes', '--name', 'cloud', '--provider', 'hetzner'], { env: { HCLOUD_TOKEN: token } });
    expect((await run).code).toBe(0);
    const text = readFileSync(join(workingDir, 'envs', 'cloud.toml'), 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain('left out, so the HCLOUD_TOKEN environment variable is used');
    expect((await loadConfigFile(join(workingDir, 'envs', 'cloud.toml'), { HCLOUD_TOKEN: token })).config?.provider).toMatchObject({ api_token: token });

    const without = await init(['--yes', '--name', 'cloud', '--provider', 'hetzner']).run;
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--hetzner-token');
  });

  it('generates an SSH key pair when asked to', async () => {
    const home = temporaryDirectory('ttd-empty-home-');
    const { workingDir, run } = init(['--yes', '--name', 'fresh', '--ssh-key', 'generate'], { home });
    expect((await run).code).toBe(0);
    const key = join(home, '.ssh', 'torrust-fresh_ed25519');
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^ssh-ed25519 /);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect((await loadConfigFile(join(workingDir, 'envs', 'fresh.toml'), {})).config?.ssh_credentials.private_key_path).toBe(key);
  });

  it('--dry-run prints the file (its secrets are ${VAR} of the secrets file) and writes nothing', async () => {
    const { workingDir, run } = init(['--yes', '--dry-run', '--name', 'dry', '--api-token', 'do-not-print-this-token']);
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('admin_token = "${TTD_TRACKER_ADMIN_TOKEN}"');
    expect(result.stderr).toContain('would write envs/dry.toml and envs/dry.secrets');
    expect(result.stdout + result.stderr).not.toContain('do-not-print-this-token');
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });

  it('--json gives the written file and the next command as JSON on stdout', async () => {
    const { workingDir, run } = init(['--yes', '--json', '--name', 'js']);
    const result = await run;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ type: 'result', ok: true, exit_code: 0, command: 'init', config_file: join(workingDir, 'envs', 'js.toml'), secrets_file: join(workingDir, 'envs', 'js.secrets'), environment: 'js', next_command: 'ttd deploy envs/js.toml' });
  });

  it('does not load Ink or React when it does not prompt', async () => {
    const log = join(temporaryDirectory('ttd-imports-'), 'imports.log');
    const workingDir = temporaryDirectory('ttd-init-');
    mkdirSync(join(workingDir, 'home'));
    const result = await runBinary(['init', '--non-interactive', '--yes', '--working-dir', workingDir], {
      env: { HOME: join(workingDir, 'home'), TTD_IMPORT_LOG: log },
      nodeOptions: ['--import', RECORD_IMPORTS],
    });
    expect(result.code).toBe(0);
    const imported = readFileSync(log, 'utf8');
    expect(imported).toContain('/dist/src/commands/init.js');
    expect(imported).not.toMatch(/node_modules\/(ink|react|react-reconciler)\//);
  });
});

describe('init --non-interactive with PostgreSQL', () => {
  it('managed: host "postgresql", port 5432, no host or port question; the file validates without warnings, its password in pg.secrets', async () => {
    const { workingDir, run } = init(['--yes', '--name', 'pg', '--database', 'postgresql', '--postgresql-user', 'trk']);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const loaded = await loadConfigFile(join(workingDir, 'envs', 'pg.toml'), {});
    expect(loaded.config?.tracker.core.database).toMatchObject({ driver: 'postgresql', host: 'postgresql', port: 5432, username: 'trk', database_name: 'torrust_tracker' });
    expect(loaded.problems.map((problem) => problem.code)).toEqual([]);
    const password = (loaded.config?.tracker.core.database as { password: string }).password;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(join(workingDir, 'envs', 'pg.toml'), 'utf8')).toContain('password = "${TTD_POSTGRESQL_PASSWORD}"');
    expect(readFileSync(join(workingDir, 'envs', 'pg.secrets'), 'utf8')).toContain(`TTD_POSTGRESQL_PASSWORD='${password}'`);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it('external: host and port come from their flags; "${VAR}" keeps the password out of the file', async () => {
    const { workingDir, run } = init(['--yes', '--name', 'pgx', '--database', 'postgresql', '--postgresql-server', 'external', '--postgresql-host', 'db.example.com', '--postgresql-port', '5433', '--postgresql-password', '${PG_PW}']);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const path = join(workingDir, 'envs', 'pgx.toml');
    expect(readFileSync(path, 'utf8')).toContain('password = "${PG_PW}"');
    const loaded = await loadConfigFile(path, { PG_PW: 'from-env' });
    expect(loaded.config?.tracker.core.database).toMatchObject({ driver: 'postgresql', host: 'db.example.com', port: 5433, password: 'from-env' });
    expect(loaded.problems.map((problem) => problem.code)).toEqual(['config.external_database']);
  });

  it('external without a host is exit 2 naming --postgresql-host; the container\'s name as host is refused', async () => {
    const missing = await init(['--yes', '--name', 'pgx', '--database', 'postgresql', '--postgresql-server', 'external']).run;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--postgresql-host');
    const managedName = await init(['--yes', '--name', 'pgx', '--database', 'postgresql', '--postgresql-server', 'external', '--postgresql-host', 'postgresql']).run;
    expect(managedName.code).toBe(2);
    expect(managedName.stderr).toContain('"postgresql" is the container the deployer runs');
  });
});
