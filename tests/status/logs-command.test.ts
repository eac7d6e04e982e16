import { describe, expect, it } from 'vitest';
import { logsCommand, parseTail, sinceProblem } from '../../src/remote/steps/logs.js';

describe('logsCommand', () => {
  it('runs docker compose logs in the deploy directory, as the channel\'s own process', () => {
    expect(logsCommand({})).toBe('cd /opt/torrust && exec docker compose logs --no-color');
  });

  it('passes SERVICE, --follow, --since and --tail, quoting what the shell would read', () => {
    expect(logsCommand({ service: 'tracker', follow: true, since: '10m', tail: 100 })).toBe('cd /opt/torrust && exec docker compose logs --no-color --follow --since 10m --tail 100 -- tracker');
    expect(logsCommand({ since: '2025-01-31 13:00' })).toBe("cd /opt/torrust && exec docker compose logs --no-color --since '2025-01-31 13:00'");
    expect(logsCommand({ tail: 0 }, '/srv/my stack')).toBe("cd '/srv/my stack' && exec docker compose logs --no-color --tail 0");
  });
});

describe('logs option checks', () => {
  it('accepts docker\'s durations and times for --since, and explains anything else', () => {
    for (const since of ['10m', '1h30m', '45s', '1.5h', '2025-01-31', '2025-01-31T13:00:00Z', '2025-01-31T13:00:00+02:00', '1738328400']) expect(sinceProblem(since)).toBeUndefined();
    expect(sinceProblem('10 minutes')).toMatch(/'10 minutes' is neither a duration \(10m, 1h30m, 45s\) nor a time/);
    expect(sinceProblem('$(reboot)')).toBeDefined();
    expect(sinceProblem('10d')).toBeDefined();
  });

  it('reads --tail as a line count or all', () => {
    expect(parseTail('50')).toBe(50);
    expect(parseTail('all')).toBeUndefined();
    expect(parseTail('-5')).toBeInstanceOf(Error);
    expect(parseTail('ten')).toBeInstanceOf(Error);
  });
});
