import { describe, expect, it } from 'vitest';
import { parseComposePs, uptimeOf } from '../../src/status/compose-ps.js';
import { hostProbeScript, parseBackupLine, parseHostProbe } from '../../src/status/host-probe.js';
import { parseTrackerStats } from '../../src/status/stats.js';
import { psLine, STATS_BODY } from './support.js';

describe('parseComposePs', () => {
  it('reads one JSON object per line (compose ≥ 2.21): state, health, uptime and published ports', () => {
    const text = [
      psLine('tracker', { publishers: [
        { URL: '0.0.0.0', TargetPort: 6969, PublishedPort: 6969, Protocol: 'udp' },
        { URL: '::', TargetPort: 6969, PublishedPort: 6969, Protocol: 'udp' },
        { URL: '', TargetPort: 1313, PublishedPort: 0, Protocol: 'tcp' },
        { URL: '0.0.0.0', TargetPort: 1212, PublishedPort: 1212, Protocol: 'tcp' },
      ] }),
      psLine('prometheus', { health: 'healthy', publishers: [{ URL: '127.0.0.1', TargetPort: 9090, PublishedPort: 9090, Protocol: 'tcp' }] }),
      psLine('mysql', { health: 'unhealthy' }),
    ].join('\n');
    const containers = parseComposePs(`${text}\n`);
    expect(containers.map((container) => container.service)).toEqual(['mysql', 'prometheus', 'tracker']);
    expect(containers[2]).toEqual({ service: 'tracker', name: 'torrust-tracker-1', state: 'running', health: 'none', uptime: '2 hours', exitCode: undefined, ports: ['6969/udp', '1212/tcp'] });
    expect(containers[1]?.ports).toEqual(['127.0.0.1:9090/tcp']);
    expect(containers[1]?.health).toBe('healthy');
    expect(containers[0]?.health).toBe('unhealthy');
  });

  it('reads the JSON array older compose releases print, and an exited container with its exit code', () => {
    const array = `[${psLine('tracker', { state: 'exited', exitCode: 137 })},${psLine('caddy', { health: 'starting', status: 'Up 5 seconds (health: starting)' })}]`;
    const [caddy, tracker] = parseComposePs(array);
    expect(tracker).toMatchObject({ state: 'exited', exitCode: 137, uptime: undefined });
    expect(caddy).toMatchObject({ state: 'running', health: 'starting', uptime: '5 seconds' });
  });

  it('reads no containers from empty output and names the line that is not JSON', () => {
    expect(parseComposePs('\n')).toEqual([]);
    expect(() => parseComposePs(`${psLine('tracker')}\nWARN[0000] something`)).toThrow(/line 2 .*not JSON: WARN/);
  });

  it('takes the uptime from docker\'s Status text', () => {
    expect(uptimeOf('Up 3 days (healthy)')).toBe('3 days');
    expect(uptimeOf('Up About a minute')).toBe('about a minute');
    expect(uptimeOf('Up 10 seconds (Paused)')).toBe('10 seconds');
    expect(uptimeOf('Exited (0) 2 minutes ago')).toBeUndefined();
    expect(uptimeOf('Restarting (1) 3 seconds ago')).toBeUndefined();
  });
});

describe('parseTrackerStats', () => {
  it('sums the announce counters of every protocol', () => {
    expect(parseTrackerStats(STATS_BODY)).toEqual({ torrents: 12, seeders: 30, leechers: 4, completed: 7, announces: 100 });
    expect(parseTrackerStats(JSON.stringify({ torrents: 0, seeders: 0, leechers: 0, completed: 0, udp6_announces_handled: 5 })).announces).toBe(5);
  });

  it('refuses answers that are not the stats object', () => {
    expect(() => parseTrackerStats('<html>login</html>')).toThrow(/did not answer JSON/);
    expect(() => parseTrackerStats('[1,2]')).toThrow(/not an object/);
    expect(() => parseTrackerStats(JSON.stringify({ torrents: 1, seeders: 1, leechers: 1, completed: 1 }))).toThrow(/no announce counters/);
    expect(() => parseTrackerStats(JSON.stringify({ seeders: 1, leechers: 1, completed: 1, udp4_announces_handled: 1 }))).toThrow(/'torrents'/);
  });
});

describe('the host probe', () => {
  it('is read-only: compose ps, docker inspect, find and date only', () => {
    const script = hostProbeScript();
    expect(script).toContain('cd /opt/torrust');
    expect(script).toContain('docker compose ps --all --format json');
    expect(script).not.toMatch(/\b(rm|up|down|restart|mv|tee|chmod|chown)\b|>[^&/]/);
  });

  it('parses every section, with the newest backup file and the host clock', () => {
    const output = [
      '@@ttd-status clock', '1748779200 +0200',
      '@@ttd-status ps', psLine('tracker'), psLine('mysql', { health: 'healthy' }), '@@ttd-status ps-exit 0',
      '@@ttd-status tracker-ip', '172.18.0.3 172.19.0.2 ',
      '@@ttd-status backup', '1748746800.5230000000 2048 storage/backup/mysql/mysql_20250601_030000.sql.gz',
      '@@ttd-status end', '',
    ].join('\n');
    const probe = parseHostProbe(output);
    expect(probe.clock).toEqual({ at: new Date(1748779200_000), utcOffsetMinutes: 120 });
    expect(probe.deployed).toBe(true);
    expect(probe.composeError).toBeUndefined();
    expect(probe.containers.map((container) => container.service)).toEqual(['mysql', 'tracker']);
    expect(probe.trackerAddresses).toEqual(['172.18.0.3', '172.19.0.2']);
    expect(probe.lastBackup).toEqual({ at: new Date(1748746800_000), sizeBytes: 2048, path: 'storage/backup/mysql/mysql_20250601_030000.sql.gz' });
  });

  it('says why the services are unknown: no deploy directory, or compose failing', () => {
    const missing = parseHostProbe('@@ttd-status clock\n1748779200 +0000\n@@ttd-status no-deploy-dir\n');
    expect(missing.deployed).toBe(false);
    expect(missing.composeError).toMatch(/\/opt\/torrust does not exist/);
    const failing = parseHostProbe('@@ttd-status ps\nsh: 1: docker: not found\n@@ttd-status ps-exit 127\n@@ttd-status backup\n@@ttd-status end\n');
    expect(failing.composeError).toBe('docker compose ps failed (exit 127): sh: 1: docker: not found');
    expect(failing.lastBackup).toBeUndefined();
  });

  it('reads find\'s backup line and ignores anything else', () => {
    expect(parseBackupLine('1700000000 10 ./storage/backup/config/config_x.tar.gz')?.path).toBe('storage/backup/config/config_x.tar.gz');
    expect(parseBackupLine('')).toBeUndefined();
    expect(parseBackupLine('find: permission denied')).toBeUndefined();
  });
});
