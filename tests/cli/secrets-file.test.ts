import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync, appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSecrets } from '../../src/config/secrets-file.js';
import { tomlLiteral } from '../../src/config/write-toml.js';
import { runBinary, temporaryDirectory, type CliResult } from '../support/cli.js';
import { homeWithKey } from '../wizard/support.js';

/**
 * The secrets file as a user meets it: `ttd init` writes envs/NAME.secrets beside a
 * TOML that holds no secret, and every command that reads the config (or the config
 * recorded for an environment) reads the secrets from it, never showing them.
 */

const home = homeWithKey();
const FLAGS = ['--database', 'mysql', '--prometheus', '--grafana', '--no-https', '--no-backup', '--provider', 'lxd'];

function ttd(workingDir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runBinary([...args, '--working-dir', workingDir], { cwd: workingDir, env: { HOME: home, ...env } });
}

async function initialised(name: string): Promise<{ workingDir: string; config: string; secretsPath: string; secrets: Record<string, string> }> {
  const workingDir = temporaryDirectory('ttd-secrets-cli-');
  const result = await ttd(workingDir, ['init', '--non-interactive', '--yes', '--name', name, ...FLAGS]);
  expect(result.code, result.stderr).toBe(0);
  const secretsPath = join(workingDir, 'envs', `${name}.secrets`);
  return { workingDir, config: join(workingDir, 'envs', `${name}.toml`), secretsPath, secrets: parseSecrets(readFileSync(secretsPath, 'utf8'), secretsPath) };
}

/** Every file under a directory, by relative path. */
function filesUnder(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

describe('the secrets file beside the config', () => {
  let env: Awaited<ReturnType<typeof initialised>>;
  beforeAll(async () => {
    env = await initialised('kept');
  });

  it('init writes the secrets to envs/NAME.secrets (0600) and only ${VAR} into the TOML; validate passes with no variable set', async () => {
    expect(Object.keys(env.secrets).sort()).toEqual(['TTD_GRAFANA_ADMIN_PASSWORD', 'TTD_MYSQL_PASSWORD', 'TTD_MYSQL_ROOT_PASSWORD', 'TTD_TRACKER_ADMIN_TOKEN']);
    expect(statSync(env.secretsPath).mode & 0o777).toBe(0o600);
    const toml = readFileSync(env.config, 'utf8');
    for (const [name, value] of Object.entries(env.secrets)) {
      expect(value.length).toBeGreaterThan(20);
      expect(toml).not.toContain(value);
      expect(toml).toContain(`"\${${name}}"`);
    }
    const validate = await ttd(env.workingDir, ['validate', 'envs/kept.toml', '--json']);
    expect(validate.code, validate.stdout).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ is_valid: true, errors: [], warnings: [], secrets_file: env.secretsPath });
  });

  it('renders the same files as the same config with its secrets written inline', async () => {
    const inlineDir = temporaryDirectory('ttd-secrets-inline-');
    mkdirSync(join(inlineDir, 'envs'));
    let inline = readFileSync(env.config, 'utf8');
    for (const [name, value] of Object.entries(env.secrets)) inline = inline.replace(`"\${${name}}"`, tomlLiteral(value));
    writeFileSync(join(inlineDir, 'envs', 'kept.toml'), inline, { mode: 0o600 });
    const outputs = [join(env.workingDir, 'out-referenced'), join(inlineDir, 'out-inline')];
    expect((await ttd(env.workingDir, ['render', 'envs/kept.toml', '--output-dir', outputs[0]!, '--instance-ip', '192.0.2.44'])).code).toBe(0);
    expect((await ttd(inlineDir, ['render', 'envs/kept.toml', '--output-dir', outputs[1]!, '--instance-ip', '192.0.2.44'])).code).toBe(0);
    const [referenced, written] = outputs.map(filesUnder);
    expect(referenced!['opt/torrust/.env']).toContain(env.secrets['TTD_MYSQL_PASSWORD']);
    expect(referenced).toEqual(written);
  });

  it('a variable set in the environment wins over the file', async () => {
    const out = join(temporaryDirectory('ttd-secrets-out-'), 'out');
    const result = await ttd(env.workingDir, ['render', 'envs/kept.toml', '--output-dir', out], { TTD_TRACKER_ADMIN_TOKEN: 'FromTheEnvironment-0123456789' });
    expect(result.code, result.stderr).toBe(0);
    const dotenv = readFileSync(join(out, 'opt/torrust/.env'), 'utf8');
    expect(dotenv).toContain('FromTheEnvironment-0123456789');
    expect(dotenv).not.toContain(env.secrets['TTD_TRACKER_ADMIN_TOKEN']);
  });

  it('no secret from the file appears in any output, --json or -vv, nor in the state or logs', async () => {
    const { workingDir } = env;
    const runs = [
      await ttd(workingDir, ['validate', 'envs/kept.toml', '--json']),
      await ttd(workingDir, ['validate', 'envs/kept.toml', '-vv']),
      await ttd(workingDir, ['render', 'envs/kept.toml', '--output-dir', join(workingDir, 'out-json'), '--json', '-vv']),
      await ttd(workingDir, ['create', 'environment', '-f', 'envs/kept.toml', '-vv']),
      await ttd(workingDir, ['show', 'kept', '--json']),
      await ttd(workingDir, ['show', 'kept', '-vv']),
      await ttd(workingDir, ['render', 'kept', '--output-dir', join(workingDir, 'out-env'), '-vv']),
      await ttd(workingDir, ['deploy', 'kept', '--dry-run', '--json']),
    ];
    for (const run of runs) {
      for (const value of Object.values(env.secrets)) expect(run.stdout + run.stderr).not.toContain(value);
    }
    const state = filesUnder(join(workingDir, 'data'));
    expect(Object.keys(state).some((path) => path.startsWith('logs/') || path.includes('/logs/'))).toBe(true);
    for (const [path, text] of Object.entries(state)) {
      for (const value of Object.values(env.secrets)) expect(text, path).not.toContain(value);
    }
  });

  it('commands on a recorded environment read its secrets file: nothing is reported unset unless the file is gone', async () => {
    const { workingDir, secretsPath } = await initialised('recorded');
    expect((await ttd(workingDir, ['create', 'environment', '-f', 'envs/recorded.toml'])).code).toBe(0);
    const show = await ttd(workingDir, ['show', 'recorded', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ unset_variables: [] });
    // The dry run's preflight refuses what the real deploy refuses: here nothing.
    const deploy = await ttd(workingDir, ['deploy', 'recorded', '--dry-run', '--json']);
    expect(deploy.code, deploy.stdout).toBe(0);

    renameSync(secretsPath, `${secretsPath}.away`);
    const without = await ttd(workingDir, ['show', 'recorded', '--json']);
    expect((JSON.parse(without.stdout) as { unset_variables: string[] }).unset_variables.sort()).toEqual(['TTD_GRAFANA_ADMIN_PASSWORD', 'TTD_MYSQL_PASSWORD', 'TTD_MYSQL_ROOT_PASSWORD', 'TTD_TRACKER_ADMIN_TOKEN']);
    const refused = await ttd(workingDir, ['deploy', 'recorded', '--dry-run', '--json']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout.trim().split('\n').pop()!)).toMatchObject({ error: { code: 'config.invalid', message: expect.stringContaining('TTD_TRACKER_ADMIN_TOKEN') } });
  });

  it('a secrets file others may read is refused with the chmod that fixes it; nothing is created', async () => {
    const { workingDir, secretsPath } = await initialised('loose');
    chmodSync(secretsPath, 0o644);
    const result = await ttd(workingDir, ['create', 'environment', '-f', 'envs/loose.toml', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'config.secrets_exposed', fix: expect.stringContaining(`chmod 600 ${secretsPath}`) } });
    expect(existsSync(join(workingDir, 'data', 'loose'))).toBe(false);
    const text = await ttd(workingDir, ['validate', 'envs/loose.toml']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('chmod 600');
  });

  it('a malformed line is located (file:line) with a fix, exit 2, without the value; nothing is created', async () => {
    const { workingDir, secretsPath } = await initialised('broken');
    const lines = readFileSync(secretsPath, 'utf8').split('\n').length;
    appendFileSync(secretsPath, "TTD_EXTRA='half-quoted-secret\n");
    const result = await ttd(workingDir, ['create', 'environment', '-f', 'envs/broken.toml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${secretsPath}:${lines}`);
    expect(result.stderr).toContain('quote is not closed');
    expect(result.stderr).not.toContain('half-quoted-secret');
    expect(existsSync(join(workingDir, 'data', 'broken'))).toBe(false);
  });
});
