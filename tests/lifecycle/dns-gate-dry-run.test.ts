import { describe, expect, it } from 'vitest';
import { writeTestConfig } from '../support/environment-config.js';
import { NO_NETWORK, scratch, ttd } from './support.js';

/** An HTTPS config: the HTTP tracker behind Caddy on its domain; the UDP tracker's domain is only advised. */
function httpsConfig(directory: string, provider: 'lxd' | 'existing'): string {
  writeTestConfig(directory, {
    provider,
    ...(provider === 'existing' ? { host: '10.0.0.5' } : {}),
    tracker: {
      udp_trackers: [{ bind_address: '0.0.0.0:6969', domain: 'udp.demo.test' }],
      http_trackers: [{ bind_address: '0.0.0.0:7070', domain: 'tracker.demo.test', use_tls_proxy: true }],
    },
    sections: { https: { admin_email: 'ops@demo.test', dns_resolvers: ['127.0.0.1:5353'] } },
  });
  return 'envs/demo.toml';
}

const dryRun = (directory: string, ...args: string[]) => ttd(['deploy', ...args, '--dry-run'], directory, { nodeOptions: ['--import', NO_NETWORK] });

describe('deploy --dry-run shows the DNS gate (and asks no DNS)', () => {
  it('before provisioning: the records step, then the gate with its domains, resolvers and "the address known after provisioning"', async () => {
    const directory = scratch();
    const result = await dryRun(directory, httpsConfig(directory, 'lxd'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Show the DNS records to create for the instance');
    expect(result.stdout).toContain('show the A/AAAA records that point udp.demo.test, tracker.demo.test at the instance\'s address, once it is known');
    expect(result.stdout).toContain('Wait until tracker.demo.test resolves to the instance');
    // Without a terminal and without --dns-wait, it asks once.
    expect(result.stdout).toContain('ask 127.0.0.1:5353 until tracker.demo.test resolve to the address known after provisioning (ask once; fail at once');
    expect(result.stdout.indexOf('Wait until tracker.demo.test')).toBeLessThan(result.stdout.indexOf('Pull the images'));
    expect(result.stdout).toContain('Wait until Caddy has a certificate for tracker.demo.test');
  });

  it('an existing host: the address; --dns-wait and --skip-dns-wait as given', async () => {
    const directory = scratch();
    const config = httpsConfig(directory, 'existing');
    const waiting = await dryRun(directory, config, '--dns-wait', '120');
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stdout).toContain('until tracker.demo.test resolve to 10.0.0.5 (every 5s, up to 120s)');
    const skipped = await dryRun(directory, config, '--skip-dns-wait');
    expect(skipped.stdout).toContain('skipped: --skip-dns-wait');
    const both = await dryRun(directory, config, '--skip-dns-wait', '--dns-wait', '5');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--dns-wait and --skip-dns-wait contradict each other');
  });
});
