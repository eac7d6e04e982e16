import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';
import { HETZNER_DEFAULTS } from '../../src/providers/hetzner/defaults.js';

const mode = (path: string) => statSync(path).mode & 0o777;

/** A home with the SSH key pair the starter config points at, so its validation is clean. */
function homeWithKeys(): string {
  const home = temporaryDirectory('ttd-home-');
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'private');
  writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), 'public');
  return home;
}

describe('create template', () => {
  it.each(['lxd', 'hetzner', 'existing'])('--provider %s writes a 0600 TOML starter that validates, and its JSON Schema', async (provider) => {
    const workingDir = temporaryDirectory();
    const home = homeWithKeys();
    const result = await runBinary(['--working-dir', workingDir, 'create', 'template', '--provider', provider], { env: { HOME: home } });
    expect(result.code).toBe(0);
    const file = join(workingDir, 'envs', `${provider}-template.toml`);
    expect(mode(file)).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('#:schema ./environment-config.schema.json');
    expect(text).not.toContain('REPLACE_WITH');
    expect(JSON.parse(readFileSync(join(workingDir, 'envs', 'environment-config.schema.json'), 'utf8'))).toHaveProperty('properties.tracker');

    const env = { HOME: home, HCLOUD_TOKEN: 'token-for-the-test' };
    const validation = await runBinary(['validate', file], { env });
    expect(validation.stderr).toBe(`✓ ${file} is valid\n`);
    expect(validation.code).toBe(0);
    const loaded = await loadConfigFile(file, env);
    expect(loaded.config?.provider.provider).toBe(provider);
  });

  it.each([
    ['my-env.json', [], 'json'],
    ['my-env.toml', [], 'toml'],
    ['my-env.conf', ['--format', 'json'], 'json'],
    ['my-env', ['--format', 'json'], 'json'],
  ] as const)('%s %j writes %s that validates (the extension picks the format, or --format)', async (name, flags, format) => {
    const dir = temporaryDirectory();
    const home = homeWithKeys();
    const file = join(dir, name);
    const result = await runBinary(['--json', 'create', 'template', file, '--provider', 'hetzner', ...flags], { env: { HOME: home } });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ format, template_file: file });
    const text = readFileSync(file, 'utf8');
    if (format === 'json') {
      expect(JSON.parse(text)).toMatchObject({ $schema: './environment-config.schema.json', provider: { provider: 'hetzner', server_type: HETZNER_DEFAULTS.server_type } });
    } else {
      expect(text.split('\n')[0]).toBe('#:schema ./environment-config.schema.json');
    }
    expect(mode(file)).toBe(0o600);
    const validation = await runBinary(['validate', file], { env: { HOME: home, HCLOUD_TOKEN: 'token-for-the-test' } });
    expect(validation.stderr).toBe(`✓ ${file} is valid\n`);
    expect(validation.code).toBe(0);
    const loaded = await loadConfigFile(file, { HOME: home, HCLOUD_TOKEN: 'token-for-the-test' });
    expect(loaded.document.format).toBe(format);
  });

  it('--format json without a path writes envs/<provider>-template.json', async () => {
    const workingDir = temporaryDirectory();
    const result = await runBinary(['--working-dir', workingDir, 'create', 'template', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(workingDir, 'envs', 'lxd-template.json'), 'utf8'))).toHaveProperty('provider.provider', 'lxd');
  });

  it('a path that is neither .toml nor .json needs --format (exit 2, nothing written)', async () => {
    const dir = temporaryDirectory();
    const result = await runBinary(['create', 'template', join(dir, 'my-env.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format toml|json');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--format that contradicts the extension is refused: the file could not be read back (exit 2, nothing written)', async () => {
    const dir = temporaryDirectory();
    const result = await runBinary(['create', 'template', join(dir, 'my-env.json'), '--format', 'toml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ends in .json but --format is toml');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('generates different secrets each time, never a well-known default', async () => {
    const first = temporaryDirectory();
    const second = temporaryDirectory();
    await runBinary(['create', 'template', join(first, 'a.toml')]);
    await runBinary(['create', 'template', join(second, 'a.toml')]);
    const token = (dir: string) => /admin_token = "([^"]+)"/.exec(readFileSync(join(dir, 'a.toml'), 'utf8'))?.[1];
    expect(token(first)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(token(first)).not.toBe(token(second));
  });

  it('refuses to overwrite without --force (exit 1), and overwrites with it', async () => {
    const dir = temporaryDirectory();
    const file = join(dir, 'starter.toml');
    writeFileSync(file, 'mine');
    const refused = await runBinary(['create', 'template', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(file, 'utf8')).toBe('mine');
    const forced = await runBinary(['create', 'template', file, '--force']);
    expect(forced.code).toBe(0);
    expect(mode(file)).toBe(0o600);
  });

  it('--dry-run writes nothing', async () => {
    const dir = temporaryDirectory();
    const result = await runBinary(['--working-dir', dir, 'create', 'template', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Would write');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unknown provider is a usage error', async () => {
    const result = await runBinary(['create', 'template', '--provider', 'aws']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are lxd, hetzner, existing');
  });
});

describe('create schema', () => {
  it('prints the JSON Schema of every section, with defaults', async () => {
    const result = await runBinary(['create', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, { properties?: Record<string, { default?: unknown }> }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['environment', 'ssh_credentials', 'provider', 'tracker', 'https', 'prometheus', 'grafana', 'backup', 'images']));
    expect(schema.properties['ssh_credentials']?.properties?.['port']?.default).toBe(22);
  });

  it('writes it to a path', async () => {
    const file = join(temporaryDirectory(), 'schema.json');
    const result = await runBinary(['create', 'schema', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('$schema');
  });
});

describe('create environment', () => {
  const configFile = (data: Record<string, unknown>) => {
    const file = join(temporaryDirectory(), 'env.json');
    writeFileSync(file, JSON.stringify(data));
    return file;
  };

  it('records the environment in data/<name>/ as 0600 JSON; a second time is refused with exit 1', async () => {
    const workingDir = temporaryDirectory();
    const file = configFile(minimalConfig());
    const created = await runBinary(['--working-dir', workingDir, 'create', 'environment', '--env-file', file, '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ environment_name: 'test-env' });
    const stateFile = join(workingDir, 'data', 'test-env', 'environment.json');
    expect(mode(stateFile)).toBe(0o600);
    expect(readFileSync(stateFile, 'utf8')).toContain('created');

    const again = await runBinary(['--working-dir', workingDir, 'create', 'environment', '-f', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Environment 'test-env' already exists");
  });

  it('an invalid config is exit 2 and creates no environment (only the command\'s log)', async () => {
    const workingDir = temporaryDirectory();
    const file = configFile(minimalConfig({ environment: { name: 'Bad Name' } }));
    const result = await runBinary(['--working-dir', workingDir, 'create', 'environment', '--env-file', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment.name');
    expect(readdirSync(join(workingDir, 'data'))).toEqual(['logs']);
  });
});
