/**
 * Waits that talk and Ctrl-C that works, through the built binary (issue 16): `deploy` of an
 * existing host whose SSH port refuses connections shows each attempt (plain lines, NDJSON
 * events, the log file), fails after about 10 s with one headline and one fix, and a Ctrl-C
 * during the wait stops it between two attempts: exit 130, no stage done.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BINARY, runBinary, temporaryDirectory } from '../support/cli.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

/** An existing host at 127.0.0.1 whose SSH port nothing listens on. */
async function refusingHost(name: string): Promise<{ workingDir: string; config: string; port: number }> {
  const workingDir = temporaryDirectory('ttd-waits-');
  mkdirSync(join(workingDir, 'envs'));
  const key = join(workingDir, 'envs', 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const port = await closedPort();
  const config = join(workingDir, 'envs', `${name}.toml`);
  writeFileSync(
    config,
    `[environment]
name = "${name}"
[ssh_credentials]
username = "torrust"
private_key_path = "${key}"
public_key_path = "${key}.pub"
port = ${port}
[provider]
provider = "existing"
host = "127.0.0.1"
[tracker.core.database]
driver = "sqlite3"
database_name = "tracker.db"
[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"
[[tracker.http_trackers]]
bind_address = "0.0.0.0:7070"
[tracker.http_api]
bind_address = "0.0.0.0:1212"
admin_token = "waits-admin-token"
[tracker.health_check_api]
bind_address = "127.0.0.1:1313"
`,
  );
  return { workingDir, config, port };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('a refused SSH port on an existing host', () => {
  it('each attempt is shown and logged; the deploy fails with one headline and one fix', async () => {
    const { workingDir, config, port } = await refusingHost('refused');
    const result = await runBinary(['--working-dir', workingDir, 'deploy', config], { env: { NO_COLOR: '1' } });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/attempt 1, 0 s: ECONNREFUSED; trying again in 2 s/);
    expect(result.stderr).toMatch(/attempt \d+, \d+ s: ECONNREFUSED; giving up/);
    const headline = `Nothing listens for SSH on torrust@127.0.0.1:${port}: the connection was refused`;
    expect(count(result.stderr, headline)).toBe(1);
    expect(count(result.stderr, `nothing listens on TCP port ${port}: start its SSH server`)).toBe(1);
    expect(count(result.stderr, 'Fix:')).toBe(1);
    expect(result.stderr).not.toContain('(fix:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const logs = join(workingDir, 'data', 'refused', 'logs');
    const log = readFileSync(join(logs, readdirSync(logs)[0]!), 'utf8');
    expect(log).toContain('step.attempt');
    expect(log).toContain('ECONNREFUSED');
  }, 60_000);

  it('--json: step.attempt events with the attempt, the elapsed time and the error; the last has no retry', async () => {
    const { workingDir, config } = await refusingHost('refused-json');
    const result = await runBinary(['--working-dir', workingDir, 'deploy', config, '--json']);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const attempts = lines.filter((line) => line['type'] === 'step.attempt');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.map((line) => line['attempt'])).toEqual(attempts.map((_, index) => index + 1));
    expect(attempts[0]).toMatchObject({ step: 'wait-ssh', error: 'ECONNREFUSED', retry_in_ms: 2000 });
    expect(attempts.at(-1)!['retry_in_ms']).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: false, exit_code: 1, error: { code: 'ssh.unreachable' } });
  }, 60_000);

  it('Ctrl-C during the wait stops it between two attempts: exit 130, the notice as an event, no stage done', async () => {
    const { workingDir, config } = await refusingHost('refused-stop');
    const child = spawn(process.execPath, [BINARY, '--working-dir', workingDir, 'deploy', config, '--json'], { env: { PATH: process.env['PATH'], HOME: workingDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      if (event['type'] === 'step.attempt' && event['attempt'] === 1) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(130);
    expect(events.filter((event) => event['type'] === 'step.attempt')).toHaveLength(1);
    expect(events.some((event) => event['type'] === 'stop.requested')).toBe(true);
    expect(events.some((event) => event['type'] === 'step.succeeded' || event['type'] === 'step.failed')).toBe(false);
    expect(events.filter((event) => event['type'] === 'stage.finished')).toEqual([expect.objectContaining({ stage: 'provision', outcome: 'interrupted' })]);
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: false, exit_code: 130, error: { code: 'interrupted' } });
  }, 60_000);
});

describe('a name that is not an environment yet', () => {
  it('is offered as envs/<name>.toml when the wizard wrote that file', async () => {
    const { workingDir } = await refusingHost('written');
    const result = await runBinary(['--working-dir', workingDir, 'deploy', 'written'], { env: { NO_COLOR: '1' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("'written' is not an environment yet, but envs/written.toml is its config");
    expect(result.stderr).toContain('Fix: deploy the file: ttd deploy envs/written.toml');
  });
});
