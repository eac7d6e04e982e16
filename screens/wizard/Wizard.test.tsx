import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { resolveAnswers } from '../../src/wizard/session.js';
import { answer, KEY, press, waitFor } from '../testing.js';
import { fixtureChecks, testContext, writtenConfig } from './fixtures.js';
import { Wizard, type WizardOutcome } from './Wizard.js';

function start(options: { given?: Record<string, string | number | boolean | string[]>; fileExists?: (path: string) => boolean } = {}) {
  const workingDir = mkdtempSync(join(tmpdir(), 'ttd-wizard-'));
  const onExit = vi.fn<(outcome: WizardOutcome) => void>();
  const instance = render(
    <Wizard checkBeforeWrite={fixtureChecks} context={testContext()} given={options.given ?? {}} workingDir={workingDir} onExit={onExit} {...(options.fileExists ? { fileExists: options.fileExists } : {})} />,
  );
  return { instance, onExit, workingDir };
}

/** On the recommended settings, Customise: walk every question. */
async function customise(instance: ReturnType<typeof render>) {
  await answer(instance, 'Recommended settings', KEY.down, KEY.enter);
}

/** Enter on every screen up to the review, choosing Customise on the recommended settings. */
async function enterToReview(instance: ReturnType<typeof render>) {
  for (let index = 0; index < 40 && !(instance.lastFrame() ?? '').includes('Review'); index++) {
    if ((instance.lastFrame() ?? '').includes('Recommended settings')) await press(instance, KEY.down, KEY.enter);
    else await press(instance, KEY.enter);
  }
}

async function finish(instance: ReturnType<typeof render>, onExit: ReturnType<typeof vi.fn>) {
  await answer(instance, 'Review', KEY.enter);
  await answer(instance, 'Deploy now?', KEY.enter);
  await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
}

describe('Wizard', () => {
  it('LXD + SQLite, minimal: Enter accepts the defaults and the TOML written is what was chosen', async () => {
    const { instance, onExit, workingDir } = start();
    await answer(instance, 'Name of the environment', 'lxd-dev', KEY.enter);
    await answer(instance, 'Where should the tracker run?', KEY.enter);
    await customise(instance);
    await answer(instance, 'Description (optional)', KEY.enter);
    await answer(instance, 'LXD profile name', KEY.enter);
    await answer(instance, 'LXD instance type', KEY.down, KEY.enter);
    for (const question of ['SSH key the deployer', 'SSH user', 'SSH port', 'Database', 'SQLite file name', 'Private tracker?', 'Tracker protocols', 'UDP tracker ports', 'HTTP tracker ports', 'Tracker REST API port', 'API admin token']) {
      await answer(instance, question, KEY.enter);
    }
    await answer(instance, 'Collect metrics with Prometheus?', 'n');
    await answer(instance, 'Serve HTTP services over HTTPS', KEY.enter);
    await answer(instance, 'Scheduled backups?', 'n');
    await answer(instance, 'Review', 't');
    const review = await waitFor(instance, 'profile_name');
    expect(review).toContain('profile_name = "torrust-profile-lxd-dev"');
    expect(review).not.toContain('generated-api-token-0001');
    await finish(instance, onExit);

    const outcome = onExit.mock.calls[0]?.[0];
    expect(outcome).toMatchObject({ status: 'written', deployNow: false });
    const path = join(workingDir, 'envs', 'lxd-dev.toml');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(workingDir, 'envs', 'lxd-dev.secrets')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain('generated-api-token-0001');
    const written = writtenConfig(path);
    expect(written['provider']).toEqual({ provider: 'lxd', profile_name: 'torrust-profile-lxd-dev', instance_type: 'container', image: 'ubuntu:24.04', cpus: 2, memory: '2GiB', disk: '10GiB' });
    expect(written['tracker'].core.database).toEqual({ driver: 'sqlite3', database_name: 'tracker.db' });
    expect(written['tracker'].http_api.admin_token).toBe('generated-api-token-0001');
    expect(written['ssh_credentials'].private_key_path).toBe('/home/tester/.ssh/id_ed25519');
    expect(written['prometheus']).toBeUndefined();
    expect(written['backup']).toBeUndefined();
    expect(instance.lastFrame()).toContain('Deploy now? (ttd deploy envs/lxd-dev.toml)');
  });

  it('Hetzner + MySQL + HTTPS + monitoring + backups: typed secrets are masked on screen and in the review', async () => {
    const { instance, onExit, workingDir } = start({ given: { name: 'prod' } });
    await answer(instance, 'Where should the tracker run?', KEY.down, KEY.enter);
    await answer(instance, 'Hetzner Cloud API token', 'hcloud-secret-token-xyz');
    expect(await waitFor(instance, '•••')).not.toContain('hcloud-secret-token-xyz');
    await press(instance, KEY.enter);
    await customise(instance);
    await answer(instance, 'Description (optional)', KEY.enter);
    await answer(instance, 'Hetzner server type', KEY.down, KEY.enter);
    await answer(instance, 'Hetzner location', KEY.down, KEY.enter);
    for (const question of ['Hetzner image', 'SSH key the deployer', 'SSH user', 'SSH port']) await answer(instance, question, KEY.enter);
    await answer(instance, 'Database', KEY.down, KEY.enter);
    for (const question of ['MySQL database name', 'MySQL user']) await answer(instance, question, KEY.enter);
    await answer(instance, 'MySQL password', 'typed-mysql-password', KEY.enter);
    for (const question of ['MySQL root password', 'Private tracker?', 'Tracker protocols', 'UDP tracker ports', 'HTTP tracker ports', 'Tracker REST API port', 'API admin token', 'Collect metrics', 'Prometheus scrape interval', 'Dashboards with Grafana?', 'Grafana admin user', 'Grafana admin password']) {
      await answer(instance, question, KEY.enter);
    }
    await answer(instance, 'Serve HTTP services over HTTPS', 'y');
    await answer(instance, 'Which services get a domain', KEY.enter);
    await answer(instance, 'Your domain', 'example.org', KEY.enter);
    for (const question of ['Domains of the HTTP trackers', 'Domain of the REST API', 'Domain of Grafana']) await answer(instance, question, KEY.enter);
    await answer(instance, 'Email for Let', 'ops@example.org', KEY.enter);
    await answer(instance, 'staging CA', KEY.enter);
    await answer(instance, 'Scheduled backups?', KEY.enter);
    await answer(instance, 'Backup schedule', '0 2 * * *', KEY.enter);
    await answer(instance, 'Days to keep backups', '14', KEY.enter);
    await answer(instance, 'Copy backups off the host', 'sftp:restic@backup.example.org:/srv/restic', KEY.enter);
    await answer(instance, 'Repository password', 'typed-restic-password', KEY.enter);

    await answer(instance, 'Review', 't');
    const review = await waitFor(instance, '${TTD_HETZNER_API_TOKEN}');
    const secrets = ['hcloud-secret-token-xyz', 'typed-mysql-password', 'generated-grafana-0004', 'generated-mysql-root-0003', 'typed-restic-password'];
    for (const secret of secrets) expect(review).not.toContain(secret);
    expect(review).toContain('password = "${TTD_MYSQL_PASSWORD}"');
    await finish(instance, onExit);

    for (const secret of secrets) expect(readFileSync(join(workingDir, 'envs', 'prod.toml'), 'utf8')).not.toContain(secret);
    const written = writtenConfig(join(workingDir, 'envs', 'prod.toml'));
    expect(written['provider']).toEqual({ provider: 'hetzner', api_token: 'hcloud-secret-token-xyz', server_type: 'cx33', location: 'fsn1', image: 'ubuntu-24.04' });
    expect(written['tracker'].core.database).toMatchObject({ driver: 'mysql', host: 'mysql', password: 'typed-mysql-password', root_password: 'generated-mysql-root-0003' });
    expect(written['tracker'].http_trackers).toEqual([{ bind_address: '0.0.0.0:7070', domain: 'tracker.example.org', use_tls_proxy: true }]);
    expect(written['tracker'].http_api).toMatchObject({ domain: 'api.example.org', use_tls_proxy: true });
    expect(written['grafana']).toMatchObject({ domain: 'grafana.example.org', use_tls_proxy: true, admin_password: 'generated-grafana-0004' });
    expect(written['https']).toEqual({ admin_email: 'ops@example.org', use_staging: false });
    expect(written['prometheus']).toEqual({ scrape_interval_in_secs: 15 });
    expect(written['backup']).toEqual({ schedule: '0 2 * * *', retention_days: 14, remote: { repository: 'sftp:restic@backup.example.org:/srv/restic', password: 'typed-restic-password' } });
  });

  it('existing host, UDP only: no HTTP tracker and no HTTPS question about trackers', async () => {
    const { instance, onExit, workingDir } = start({ given: { name: 'edge', description: '' } });
    await answer(instance, 'Where should the tracker run?', KEY.down, KEY.down, KEY.enter);
    await answer(instance, 'Address of the host', '203.0.113.7', KEY.enter);
    await customise(instance);
    for (const question of ['SSH key the deployer', 'SSH user']) await answer(instance, question, KEY.enter);
    await answer(instance, 'SSH port', '2222', KEY.enter);
    for (const question of ['Database', 'SQLite file name', 'Private tracker?']) await answer(instance, question, KEY.enter);
    await answer(instance, 'Tracker protocols', KEY.down, KEY.space, KEY.enter);
    for (const question of ['UDP tracker ports', 'Tracker REST API port', 'API admin token']) await answer(instance, question, KEY.enter);
    await answer(instance, 'Collect metrics', 'n');
    await answer(instance, 'Serve HTTP services over HTTPS', 'n');
    await answer(instance, 'Scheduled backups?', 'n');
    await finish(instance, onExit);

    const written = writtenConfig(join(workingDir, 'envs', 'edge.toml'));
    expect(written['provider']).toEqual({ provider: 'existing', host: '203.0.113.7' });
    expect(written['ssh_credentials'].port).toBe(2222);
    expect(written['tracker'].udp_trackers).toEqual([{ bind_address: '0.0.0.0:6969' }]);
    expect(written['tracker'].http_trackers).toEqual([]);
  });

  it('shows why an answer is refused and keeps the question until it is fixed', async () => {
    const { instance } = start();
    await answer(instance, 'Name of the environment', 'My Tracker', KEY.enter);
    const frame = await waitFor(instance, '✗');
    expect(frame).toContain('uppercase');
    expect(frame).toContain('Name of the environment');
    await press(instance, ...Array.from({ length: 10 }, () => KEY.backspace), 'ok-name', KEY.enter);
    await waitFor(instance, 'Where should the tracker run?');
  });

  it('Esc goes back to the previous question with the earlier answer offered again', async () => {
    const { instance } = start();
    await answer(instance, 'Name of the environment', 'first', KEY.enter);
    await answer(instance, 'Where should the tracker run?', KEY.escape);
    const frame = await waitFor(instance, 'Name of the environment');
    expect(frame).toContain('first');
    expect(frame).toContain('question 1 of');
    await press(instance, KEY.enter);
    await waitFor(instance, 'Where should the tracker run?');
  });

  it('edits an answer from the review, and asks the questions the change brings in', async () => {
    const { instance, onExit } = start({ given: { name: 'swap', description: '', ssh_key: '/home/tester/.ssh/id_ed25519', ssh_user: 'torrust', ssh_port: 22, database: 'sqlite3', sqlite_file: 'tracker.db', private: false, protocols: ['udp'], udp_ports: '6969', api_port: 1212, api_token: 'tok-123456', prometheus: false, https: false, backup: false, lxd_profile: 'p', lxd_instance_type: 'container' } });
    await answer(instance, 'Where should the tracker run?', KEY.enter);
    await answer(instance, 'Review', KEY.down, KEY.enter);
    await answer(instance, 'Edit an answer', KEY.down, KEY.down, KEY.enter);
    await answer(instance, 'Where should the tracker run?', KEY.down, KEY.down, KEY.enter);
    await answer(instance, 'Address of the host', KEY.enter);
    await answer(instance, 'Review', 't');
    const review = await waitFor(instance, 'provider = "existing"');
    expect(review).not.toContain('profile_name');
    expect(onExit).not.toHaveBeenCalled();
  });

  it("a conflict's Fix goes to the question that caused it, and fixing it there clears it", async () => {
    const https = { name: 'two', https: true, https_services: ['http', 'api'], domain: 'example.org', https_email: 'ops@example.org' };
    const { instance } = start({ given: resolveAnswers(https, testContext(), { acceptDefaults: true }).answers as Record<string, string | number | boolean | string[]> });
    await answer(instance, 'What it deploys', KEY.down, KEY.enter);
    await waitFor(instance, 'Edit an answer');
    for (let index = 0; index < 40 && !/❯ HTTP tracker ports/.test(instance.lastFrame() ?? ''); index++) await press(instance, KEY.down);
    await press(instance, KEY.enter);
    // A second HTTP tracker, but the one domain given for the first: a conflict the ports question cannot fix.
    await answer(instance, '› 7070', ', 7071', KEY.enter);
    const review = await waitFor(instance, 'do not make a valid config');
    expect(review).toContain('HTTP tracker 2 uses the TLS proxy but has no domain');
    expect(review).toContain('❯ Fix: Domains of the HTTP trackers');
    await press(instance, KEY.enter);
    const question = await waitFor(instance, '› tracker.example.org');
    expect(question).toContain('Domains of the HTTP trackers');
    await press(instance, ', tracker2.example.org', KEY.enter);
    const fixed = await waitFor(instance, 'What it deploys');
    expect(fixed).not.toContain('do not make a valid config');
    expect(fixed).toContain('tracker2.example.org');
  });

  it('Cancel on the review writes nothing', async () => {
    const { instance, onExit, workingDir } = start({ given: { name: 'gone' } });
    await waitFor(instance, 'Where should the tracker run?');
    await enterToReview(instance);
    await answer(instance, 'Review', KEY.down, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith({ status: 'cancelled' }));
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });

  it('Ctrl-C on any question reports an interruption and writes nothing', async () => {
    const { instance, onExit, workingDir } = start();
    await answer(instance, 'Name of the environment', KEY.enter);
    await answer(instance, 'Where should the tracker run?', KEY.ctrlC);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith({ status: 'interrupted' }));
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });

  it('asks before overwriting an existing file, and goes back to the review on no', async () => {
    const { instance, onExit } = start({ given: { name: 'again' }, fileExists: () => true });
    await waitFor(instance, 'Where should the tracker run?');
    await enterToReview(instance);
    await answer(instance, 'Review', KEY.enter);
    await answer(instance, 'already exists. Overwrite it?', KEY.enter);
    await waitFor(instance, 'Review');
    expect(onExit).not.toHaveBeenCalled();
  });
});
