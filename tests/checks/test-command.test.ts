import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { writeTestConfig } from '../support/environment-config.js';
import { startTracker, type RunningTracker } from './tracker.js';

/** An existing-host environment whose trackers are the real bittorrent-tracker on loopback; its API port is closed. */
function environmentFile(directory: string, tracker: RunningTracker, closedPort: number): string {
  return writeTestConfig(directory, {
    name: 'local',
    provider: 'existing',
    host: '127.0.0.1',
    adminToken: 'a-long-random-admin-token',
    tracker: {
      udp_trackers: [{ bind_address: `0.0.0.0:${tracker.udpPort}` }],
      http_trackers: [{ bind_address: `0.0.0.0:${tracker.httpPort}` }],
      http_api: { bind_address: `0.0.0.0:${closedPort}`, admin_token: 'a-long-random-admin-token' },
    },
  });
}

describe('ttd test: smoke checks from this machine, against a real tracker', () => {
  let tracker: RunningTracker;
  let workingDir: string;

  beforeAll(async () => {
    tracker = await startTracker();
    workingDir = temporaryDirectory('ttd-test-command-');
    const file = environmentFile(workingDir, tracker, 9);
    expect((await runBinary(['--working-dir', workingDir, 'create', 'environment', '-f', file])).code).toBe(0);
  });
  afterAll(async () => tracker.close());

  it('announces over UDP and HTTP pass; a closed API port fails the command with exit 1 and a fix', async () => {
    const result = await runBinary(['--working-dir', workingDir, 'test', 'local']);
    expect(result.stderr).toMatch(/✓ UDP tracker 1: announce/);
    expect(result.stderr).toMatch(/✓ HTTP tracker 1: announce/);
    expect(result.stderr).toMatch(/✗ HTTP API: health: connection to http:\/\/127\.0\.0\.1:9 .*refused/);
    expect(result.stderr).toContain('smoke checks failed against 127.0.0.1');
    expect(result.code).toBe(1);
    // Never deployed (state: created): said before the first probe, and the fix is to deploy, not the firewall (issue 16).
    const notice = result.stderr.indexOf("Environment 'local' is not running (state: created)");
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(notice).toBeLessThan(result.stderr.indexOf('UDP tracker 1'));
    expect(result.stderr).toContain("Fix: nothing is deployed on 'local' yet (state: created): run ttd deploy local");
  });

  it('--json streams one check line per check, then the failed result with its code', async () => {
    const result = await runBinary(['--working-dir', workingDir, 'test', 'local', '--json']);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const checks = lines.filter((line) => line['type'] === 'check');
    expect(checks.find((check) => check['kind'] === 'udp-announce')).toMatchObject({ status: 'pass', target: `udp://127.0.0.1:${tracker.udpPort}/announce` });
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: false, exit_code: 1, error: { code: 'smoke.failed' } });
  });

  it('--dry-run lists the checks and sends nothing', async () => {
    const result = await runBinary(['--working-dir', workingDir, 'test', 'local', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Would run');
    expect(result.stdout).toContain(`udp://127.0.0.1:${tracker.udpPort}/announce`);
  });
});
