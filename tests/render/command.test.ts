import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

/** `ttd render` as a user runs it: the built binary, a config file, an output directory. */

function configFile(overrides: Record<string, unknown> = {}): string {
  const dir = temporaryDirectory('ttd-render-cfg-');
  writeFileSync(join(dir, 'key.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO3n1eBPmjsTvFqKNIiw4hQjYWLmOWh2xZXqUqZchI8b me@example\n');
  const config = minimalConfig({ ssh_credentials: { private_key_path: './key', public_key_path: './key.pub' }, prometheus: {}, ...overrides });
  const path = join(dir, 'env.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

describe('ttd render', () => {
  it('writes every artifact, secrets 0600 and scripts 0755, and lists what it wrote', async () => {
    const out = join(temporaryDirectory(), 'out');
    const result = await runBinary(['render', configFile(), '--output-dir', out, '--instance-ip', '192.0.2.44']);
    expect(result.stderr).toContain('Rendered');
    expect(result.code).toBe(0);
    const mode = (path: string) => statSync(join(out, path)).mode & 0o777;
    expect(mode('opt/torrust/.env')).toBe(0o600);
    expect(mode('opt/torrust/storage/prometheus/etc/prometheus.yml')).toBe(0o600);
    expect(mode('run.sh')).toBe(0o755);
    expect(mode('opt/torrust/docker-compose.yml')).toBe(0o644);
    expect(result.stdout).toMatch(/^0600\s+\d+\s+\S+opt\/torrust\/\.env {2}\(secrets\)$/m);
    expect(readFileSync(join(out, 'cloud-init.yml'), 'utf8')).toContain('me@example');
    expect(readFileSync(join(out, 'run.sh'), 'utf8')).toContain('udp://192.0.2.44:6969/announce');
    expect(result.stdout + result.stderr).not.toContain('a-long-random-admin-token');
  });

  it('--json prints one document listing paths, sizes and modes', async () => {
    const out = join(temporaryDirectory(), 'out');
    const result = await runBinary(['render', configFile(), '--output-dir', out, '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { files: { path: string; bytes: number; mode: string; secret: boolean }[]; dry_run: boolean };
    expect(document.dry_run).toBe(false);
    const env = document.files.find((entry) => entry.path === 'opt/torrust/.env')!;
    expect(env).toMatchObject({ mode: '0600', secret: true });
    expect(env.bytes).toBe(statSync(join(out, 'opt/torrust/.env')).size);
  });

  it('--dry-run lists the files and writes nothing', async () => {
    const out = join(temporaryDirectory(), 'out');
    const result = await runBinary(['render', configFile(), '--output-dir', out, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('docker-compose.yml');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a non-empty directory without --force (exit 1, file.exists), then writes with --force and names what it left alone', async () => {
    const out = temporaryDirectory();
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const refused = await runBinary(['render', configFile(), '--output-dir', out, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('file.exists');
    expect(readdirSync(out)).toEqual(['mine.txt']);

    const forced = await runBinary(['render', configFile(), '--output-dir', out, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('mine.txt');
    expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(out, 'opt/torrust/docker-compose.yml'))).toBe(true);
  });

  it('an invalid config exits 2 and writes nothing', async () => {
    const out = join(temporaryDirectory(), 'out');
    const result = await runBinary(['render', configFile({ grafana: { admin_password: 'x' }, prometheus: undefined }), '--output-dir', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/grafana/i);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad --instance-ip or a missing --output-dir exits 2', async () => {
    const file = configFile();
    const badIp = await runBinary(['render', file, '--output-dir', join(temporaryDirectory(), 'o'), '--instance-ip', 'not-an-ip']);
    expect(badIp.code).toBe(2);
    expect(badIp.stderr).toContain('--instance-ip');
    const noDir = await runBinary(['render', file]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('--output-dir');
  });

  it('an unreadable public key gives a placeholder in cloud-init and a warning, not a failure', async () => {
    const file = configFile();
    const out = join(temporaryDirectory(), 'out');
    writeFileSync(file, readFileSync(file, 'utf8').replace('./key.pub', './missing.pub'));
    const result = await runBinary(['render', file, '--output-dir', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('placeholder');
    expect(readFileSync(join(out, 'cloud-init.yml'), 'utf8')).toContain('REPLACE_WITH_THE_CONTENTS_OF');
  });
});

describe('ttd render --env-name (the Rust deployer\'s way to render an environment already created)', () => {
  async function createdEnvironment(): Promise<{ workingDir: string; file: string }> {
    const workingDir = temporaryDirectory('ttd-render-env-');
    const file = configFile();
    const created = await runBinary(['--working-dir', workingDir, 'create', 'environment', '--env-file', file]);
    expect(created.code, created.stderr).toBe(0);
    return { workingDir, file };
  }

  const filesOf = (dir: string) => (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length))
    .sort();

  it('renders the recorded config: the same files, byte for byte, as rendering its file', async () => {
    const { workingDir, file } = await createdEnvironment();
    const byName = join(workingDir, 'by-name');
    const byFile = join(workingDir, 'by-file');
    const result = await runBinary(['--working-dir', workingDir, 'render', '--env-name', 'test-env', '--instance-ip', '192.0.2.5', '--output-dir', byName]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Rendered');
    expect(readFileSync(join(byName, 'run.sh'), 'utf8')).toContain('udp://192.0.2.5:6969/announce');
    expect((await runBinary(['render', file, '--instance-ip', '192.0.2.5', '--output-dir', byFile])).code).toBe(0);
    expect(filesOf(byName)).toEqual(filesOf(byFile));
    for (const path of filesOf(byFile)) expect(readFileSync(join(byName, path), 'utf8'), path).toBe(readFileSync(join(byFile, path), 'utf8'));
    expect(result.stdout + result.stderr).not.toContain('a-long-random-admin-token');
  });

  it('uses the address the state records when --instance-ip is left out', async () => {
    const { workingDir } = await createdEnvironment();
    const stateFile = join(workingDir, 'data', 'test-env', 'environment.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { instance: Record<string, unknown> };
    state.instance = { address: '192.0.2.77', method: 'registered' };
    writeFileSync(stateFile, JSON.stringify(state));
    const out = join(workingDir, 'out');
    const result = await runBinary(['--working-dir', workingDir, 'render', '--env-name', 'test-env', '--output-dir', out, '--force']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(out, 'run.sh'), 'utf8')).toContain('udp://192.0.2.77:6969/announce');
  });

  it('an unknown environment is exit 1 (environment.not_found); a file and --env-name together are exit 2', async () => {
    const { workingDir, file } = await createdEnvironment();
    const missing = await runBinary(['--working-dir', workingDir, '--json', 'render', '--env-name', 'nope', '--output-dir', join(workingDir, 'out')]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('environment.not_found');
    const both = await runBinary(['--working-dir', workingDir, 'render', file, '--env-name', 'test-env', '--output-dir', join(workingDir, 'out')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Both a config file and --env-name given');
    expect(existsSync(join(workingDir, 'out'))).toBe(false);
  });
});
