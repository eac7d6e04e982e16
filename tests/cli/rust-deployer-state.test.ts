import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';

/** data/<env>/environment.json in the Rust deployer's format (ANCHOR.md §2.2): no format_version, one state key. */
function rustState(workingDir: string, name: string, state: string, runtime: Record<string, unknown>, sshPort = 22): void {
  mkdirSync(join(workingDir, 'data', name), { recursive: true });
  const context = {
    created_at: '2026-01-01T00:00:00Z',
    user_inputs: { name, instance_name: `torrust-tracker-vm-${name}`, provider_config: { provider: 'lxd', profile_name: 'p' }, ssh_credentials: { ssh_priv_key_path: '/k', ssh_pub_key_path: '/k.pub', ssh_username: 'torrust' }, ssh_port: sshPort },
    internal_config: { build_dir: `./build/${name}`, data_dir: `./data/${name}` },
    runtime_outputs: runtime,
  };
  writeFileSync(join(workingDir, 'data', name, 'environment.json'), JSON.stringify({ [state]: { context, state: null } }));
}

describe('a state directory of the Rust deployer', () => {
  it('show names it and gives the exact register command with the address its state records (exit 1)', async () => {
    const workingDir = temporaryDirectory();
    rustState(workingDir, 'legacy', 'Running', { instance_ip: '10.20.30.40', provision_method: 'Registered', service_endpoints: null }, 2222);
    const result = await runBinary(['--working-dir', workingDir, 'show', 'legacy'], { cwd: workingDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('was written by the Rust torrust-tracker-deployer (state Running, instance 10.20.30.40 port 2222)');
    expect(result.stderr).toContain('mv data/legacy data/legacy.rust-deployer');
    expect(result.stderr).toContain('ttd register legacy --instance-ip 10.20.30.40 --ssh-port 2222');
    expect(result.stderr).not.toContain('format_version is missing');
  });

  it('--json carries the code state.rust_deployer; create environment of the same name says the same', async () => {
    const workingDir = temporaryDirectory();
    rustState(workingDir, 'test-env', 'Provisioned', { instance_ip: '10.1.2.3', provision_method: 'Provisioned' });
    const shown = await runBinary(['--working-dir', workingDir, '--json', 'show', 'test-env']);
    expect(JSON.parse(shown.stdout.trim().split('\n').at(-1)!).error.code).toBe('state.rust_deployer');
    const config = join(workingDir, 'c.json');
    writeFileSync(config, JSON.stringify({ environment: { name: 'test-env' }, ssh_credentials: { private_key_path: '/k', public_key_path: '/k.pub' }, provider: { provider: 'lxd', profile_name: 'p' }, tracker: { core: { database: { driver: 'sqlite3', database_name: 't.db' }, private: false }, udp_trackers: [], http_trackers: [], http_api: { bind_address: '0.0.0.0:1212', admin_token: 'a-long-random-admin-token' }, health_check_api: { bind_address: '127.0.0.1:1313' } } }));
    const created = await runBinary(['--working-dir', workingDir, 'create', 'environment', '--env-file', config], { cwd: workingDir });
    expect(created.code).toBe(1);
    expect(created.stderr).toContain('ttd register test-env --instance-ip 10.1.2.3');
  });

  it('without an instance address it says to deploy anew from the config', async () => {
    const workingDir = temporaryDirectory();
    rustState(workingDir, 'fresh', 'Created', { instance_ip: null, provision_method: null, service_endpoints: null });
    const result = await runBinary(['--working-dir', workingDir, 'show', 'fresh'], { cwd: workingDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('it has no instance yet');
    expect(result.stderr).toContain('ttd deploy CONFIG.json');
  });
});
