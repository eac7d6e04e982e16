import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { StatusScreen } from './StatusScreen.js';
import { press, waitFor } from '../testing.js';
import { snapshotOf, T0 } from '../../tests/status/support.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';

const target = { environment: 'demo', address: '203.0.113.10', sshPort: 22 };
const counter = (announces: number) => ({ ok: true as const, source: 'direct' as const, numbers: { torrents: 12, seeders: 30, leechers: 4, completed: 7, announces } });

function screen(history: readonly StatusSnapshot[], options: { watching?: boolean; refreshing?: boolean; onQuit?: () => void } = {}) {
  return render(<StatusScreen target={target} history={history} refreshing={options.refreshing ?? false} watching={options.watching ?? false} {...(options.onQuit ? { onQuit: options.onQuit } : {})} />);
}

describe('StatusScreen', () => {
  it('shows a healthy stack: services with uptime, ports and URLs, the tracker numbers, backups', () => {
    const frame = screen([snapshotOf()]).lastFrame() ?? '';
    expect(frame).toContain('demo · 203.0.113.10 · healthy · updated 12:00:00 UTC');
    expect(frame).toMatch(/✓ tracker\s+running · up 2 hours · 6969\/udp 7070\/tcp 1212\/tcp/);
    expect(frame).toContain('udp://203.0.113.10:6969/announce');
    expect(frame).toMatch(/✓ mysql\s+running, healthy · up 2 hours/);
    expect(frame).toContain('torrents 12 · seeders 30 · leechers 4 · completed 7');
    expect(frame).toContain('announces/s measuring…');
    expect(frame).toContain('last 2025-06-01 03:00 UTC (9 h ago, 2.0 KiB, storage/backup/mysql/mysql_20250601_030000.sql.gz)');
    expect(frame).toContain('next 2025-06-02 03:00 UTC (in 15 h)');
    expect(frame).not.toContain('q quit');
  });

  it('draws the announce rate of the last minute from the history', () => {
    const history = [0, 3, 6, 9].map((step, index) => snapshotOf({ takenAt: T0 + step * 1000, tracker: counter([100, 130, 190, 190][index] ?? 0) }));
    const frame = screen(history).lastFrame() ?? '';
    // 90 announces in 9 s; per refresh: 10/s, 20/s, 0/s.
    expect(frame).toContain('announces/s 10.0 ▅█▁ (last minute; 190 since start)');
  });

  it('shows a degraded stack: the unhealthy service, the stopped one, and the stats error', () => {
    const frame = screen([snapshotOf({
      summary: 'degraded',
      services: [
        { name: 'tracker', state: 'running', health: 'unhealthy', uptime: '5 minutes', exitCode: undefined, ports: [], urls: [] },
        { name: 'grafana', state: 'exited', health: 'none', uptime: undefined, exitCode: 1, ports: [], urls: [] },
        { name: 'caddy', state: 'missing', health: 'none', uptime: undefined, exitCode: undefined, ports: [], urls: [] },
      ],
      tracker: { ok: false, error: 'connection to http://203.0.113.10:1212 refused' },
      certificates: [{ domain: 'tracker.example.com', expiresAt: T0 + 5 * 86_400_000, issuer: 'Staging CA', trusted: false }, { domain: 'grafana.example.com', error: 'no TLS answer from 203.0.113.10:443 within 8 s' }],
    })]).lastFrame() ?? '';
    expect(frame).toContain('demo · 203.0.113.10 · degraded');
    expect(frame).toMatch(/✗ tracker\s+running, unhealthy · up 5 minutes/);
    expect(frame).toMatch(/✗ grafana\s+exited \(exit 1\)/);
    expect(frame).toMatch(/✗ caddy\s+no container/);
    expect(frame).toContain('stats unavailable: connection to http://203.0.113.10:1212 refused');
    expect(frame).toContain("tracker.example.com expires in 5 days (2025-06-06 12:00 UTC, Staging CA, not trusted here)");
    expect(frame).toContain('⚠ grafana.example.com: no TLS answer from 203.0.113.10:443 within 8 s');
  });

  it('shows an unreachable host, when it last answered, and keeps the tracker numbers it could read', () => {
    const down = snapshotOf({ takenAt: T0 + 6000, summary: 'unreachable', host: { reachable: false, error: 'no answer over SSH within 8 s' }, services: undefined, backup: { schedule: '0 3 * * *', last: undefined, next: undefined } });
    const frame = screen([snapshotOf(), down], { watching: true, refreshing: true }).lastFrame() ?? '';
    expect(frame).toContain('demo · 203.0.113.10 · host unreachable · updated 12:00:06 UTC · refreshing…');
    expect(frame).toContain('✗ The host does not answer on SSH port 22: no answer over SSH within 8 s');
    expect(frame).toContain('still trying every 3 s · last answered at 12:00:00 UTC');
    expect(frame).toContain('unknown while the host does not answer');
    expect(frame).toContain('last unknown while the host does not answer');
    expect(frame).toContain('next unknown until the host answers');
    expect(frame).toContain('torrents 12');
    expect(frame).toContain('refreshes every 3 s · q quit');
  });

  it('says it is reading before the first snapshot, and quits on q while watching', async () => {
    const onQuit = vi.fn();
    const instance = screen([], { watching: true, refreshing: true, onQuit });
    await waitFor(instance, 'demo · 203.0.113.10 · reading…');
    await press(instance, 'x');
    expect(onQuit).not.toHaveBeenCalled();
    await press(instance, 'q');
    expect(onQuit).toHaveBeenCalledTimes(1);
    instance.unmount();
  });
});
