import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { hostFingerprint } from '../support/host-fingerprint.js';
import { labEnvironment, labUp, removeLabInstance, type LabEnvironment } from './lab.js';

const NAME = 'lab-recheck';
/** The benchmark's preload: counts ssh2 connections and exec channels, and the peak RSS, at exit. */
const SSH_COUNTER = pathToFileURL(resolve(import.meta.dirname, '../../bench/ssh-count.mjs')).href;

interface SshTally {
  readonly connections: number;
  readonly execs: readonly { readonly command: string }[];
  readonly sftpChannels: number;
  readonly maxRssMiB: number;
}

/** The step lines of the plain output: `✓ title` for a step that ran, `↷ title (why)` for one that was already so. */
const ran = (stderr: string) => [...stderr.matchAll(/^ {2}✓ (.+)$/gm)].map((match) => match[1]!);
const skippedLines = (stderr: string) => [...stderr.matchAll(/^ {2}↷ (.+)$/gm)].map((match) => match[1]!);
/** The titles among `titles` shown as skipped (a skipped line is the title, then the reason in parentheses). */
const skipped = (stderr: string, titles: readonly string[]) => titles.filter((title) => skippedLines(stderr).some((line) => line.startsWith(`${title} (`)));

/** What runs on every deploy of a running environment and changes nothing: a listing, the health check, the local build/ copies. */
const READS = ['Show the running services', 'The tracker reports itself healthy'];

/**
 * `ttd deploy ENV` on a running environment (issue 20): one process and one SSH
 * connection check configure, release and run step by step (each skipped when already
 * so), then test and the smoke test; on an unchanged host nothing is touched, and what
 * drifted on the host (a package removed, a file changed, a firewall rule deleted, the
 * tracker stopped) is put back by the same command.
 */
describe('deploy on a running environment: checks over one connection, drift put back', () => {
  let env: LabEnvironment;
  let counts: string;

  /** `ttd deploy NAME` with the SSH counter preloaded; returns the output and that run's tally. */
  const deploy = async () => {
    const result = await env.ttdWith({ NODE_OPTIONS: `--import=${SSH_COUNTER}`, TTD_BENCH_SSH_COUNT: counts }, 'deploy', NAME);
    const tally = JSON.parse(readFileSync(counts, 'utf8').trim().split('\n').at(-1)!) as SshTally;
    return { ...result, tally };
  };

  beforeAll(async () => {
    const lab = await labUp();
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, ['--database', 'sqlite3', '--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--no-backup']);
    counts = join(env.workingDir, 'ssh-count.ndjson');
    const first = await env.ttd('deploy', env.configPath);
    if (first.code !== 0) throw new Error(`the first deploy failed:\n${first.stderr}\n${await env.diagnostics()}`);
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
  });

  const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));

  it('unchanged: every configure, release and run step is only checked, nothing on the host changes, one SSH connection', async () => {
    explainFailure();
    const before = await hostFingerprint(env.onInstance);
    expect(before.containers).toMatch(/^\/tracker /m);
    const again = await deploy();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('checking the host');
    const changing = ran(again.stderr).filter((title) => !title.startsWith('Write build/') && !READS.some((read) => title.startsWith(read)));
    expect(changing, 'steps that ran on an unchanged host').toEqual([]);
    expect(ran(again.stderr)).toContain('Show the running services');
    const checked = ['Configure the firewall (UFW)', 'Upload /opt/torrust/.env', 'Pull the images', 'Start the stack and wait until it is healthy'];
    expect(skipped(again.stderr, checked)).toEqual(checked);
    expect(again.stdout).toMatch(/^Took \d+\.\d s: configure \d+\.\d s, release \d+\.\d s, run \d+\.\d s, test \d+\.\d s, smoke test \d+\.\d s$/m);
    expect(await hostFingerprint(env.onInstance)).toEqual(before);
    expect(again.tally.connections, 'SSH connections of one deploy').toBe(1);
    expect(again.tally.sftpChannels).toBe(0);
    console.info(`unchanged deploy: ${again.tally.execs.length} exec channels over ${again.tally.connections} connection, peak RSS ${again.tally.maxRssMiB} MiB; ${/^Took .*$/m.exec(again.stdout)![0]}`);
  });

  it('drift: a removed package, a deleted firewall rule, an edited file and a stopped tracker are put back by one deploy', async () => {
    explainFailure();
    const env_ = await env.onInstance('cat /opt/torrust/.env');
    await env.onInstance('DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq unattended-upgrades >/dev/null 2>&1');
    await env.onInstance('rm /etc/apt/apt.conf.d/52torrust-auto-reboot');
    await env.onInstance('ufw delete allow 7070/tcp >/dev/null');
    await env.onInstance('echo "# edited by hand" >> /opt/torrust/.env');
    await env.onInstance('docker stop tracker >/dev/null');
    expect(await env.onInstance('ufw status')).not.toMatch(/^7070\/tcp /m);

    const repair = await deploy();
    expect(repair.code, repair.stderr).toBe(0);
    expect(ran(repair.stderr)).toEqual(expect.arrayContaining([
      'Install Docker, Compose v2, unattended-upgrades and UFW (one apt transaction)',
      'Turn on automatic security updates',
      'Configure the firewall (UFW)',
      'Upload /opt/torrust/.env',
      'Start the stack and wait until it is healthy',
    ]));
    expect(skipped(repair.stderr, ['Start Docker, and at every boot', 'Pull the images'])).toEqual(['Start Docker, and at every boot', 'Pull the images']);
    expect(await env.onInstance("dpkg-query -W -f='${Status}' unattended-upgrades")).toBe('install ok installed');
    expect(await env.onInstance('test -f /etc/apt/apt.conf.d/52torrust-auto-reboot && echo present')).toBe('present');
    expect(await env.onInstance('ufw status')).toMatch(/^7070\/tcp +ALLOW/m);
    expect(await env.onInstance('cat /opt/torrust/.env')).toBe(env_);
    expect(await env.onInstance('docker inspect tracker --format "{{.State.Status}} {{.State.Health.Status}}"')).toBe('running healthy');
    expect(repair.tally.connections).toBe(1);
  });
});
