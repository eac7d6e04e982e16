import { describe, expect, it } from 'vitest';
import { writeTestConfig, type TestConfigOptions } from '../support/environment-config.js';
import { NO_NETWORK, scratch, ttd } from './support.js';

/**
 * `show` of an environment on an existing host: the address its config gives is the one every
 * command uses, so show says it, and the next step and DNS records follow from it.
 */
const HOST = '10.210.0.77';
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;

/** An HTTPS config: the HTTP tracker behind Caddy on its domain. */
const TLS_TRACKER: TestConfigOptions = {
  tracker: { http_trackers: [{ bind_address: '0.0.0.0:7070', domain: 'tracker.example.com', use_tls_proxy: true }] },
  sections: { https: { admin_email: 'ops@example.com' } },
};

describe('show of an existing-host environment', () => {
  it('provider.host set: the address, the SSH login, service URLs and DNS records from it, and deploy as the next step', { timeout: 60_000 }, async () => {
    const workingDir = scratch('ttd-show-existing-');
    const config = writeTestConfig(workingDir, { name: 'edge', provider: 'existing', host: HOST, ...TLS_TRACKER });
    const created = await ttd(['create', 'environment', '--env-file', config], workingDir);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('(or step by step: ttd provision edge)');

    const text = await ttd(['show', 'edge'], workingDir, { nodeOptions: ['--import', NO_NETWORK] });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Address:   ${HOST} (provider.host in the config)`);
    expect(text.stdout).toContain(`torrust@${HOST}`);
    expect(text.stdout).not.toContain('not known yet');
    expect(text.stdout).not.toContain('INSTANCE_ADDRESS');
    expect(text.stdout).toContain(`udp://${HOST}:6969/announce`);
    expect(text.stdout).toMatch(new RegExp(`DNS records to create[^\\n]*\\n\\s+A\\s+tracker\\.example\\.com\\s+${HOST.replaceAll('.', '\\.')}`));
    expect(text.stdout).toContain(`Next: run ttd deploy edge: it connects to ${HOST} over SSH`);
    expect(text.stdout).not.toContain('ttd provision edge (or');

    const json = lastJson((await ttd(['show', 'edge', '--json'], workingDir)).stdout);
    expect(json['infrastructure']).toMatchObject({ instance_ip: HOST, instance_ip_from: 'config' });
    expect(json['dns_records']).toEqual([{ type: 'A', name: 'tracker.example.com', value: HOST }]);
    expect(json['next_step']).toContain('ttd deploy edge');
  });

  it('no provider.host: says how to give the address (register or provider.host), and which names need DNS once it is known', { timeout: 60_000 }, async () => {
    const workingDir = scratch('ttd-show-existing-');
    const config = writeTestConfig(workingDir, { name: 'bare', provider: 'existing', ...TLS_TRACKER });
    const created = await ttd(['create', 'environment', '--env-file', config], workingDir);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('(or step by step: ttd register bare --instance-ip IP)');
    const text = await ttd(['show', 'bare'], workingDir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Address:   not known yet (ttd register bare --instance-ip IP, or set provider.host in the config)');
    expect(text.stdout).toContain('DNS: point tracker.example.com at the instance address once it is known');
    expect(text.stdout).toContain('Next: run ttd register bare --instance-ip IP (or set provider.host in the config), then ttd deploy bare');
    const json = lastJson((await ttd(['show', 'bare', '--json'], workingDir)).stdout);
    expect(json['infrastructure']).toMatchObject({ instance_ip: null, instance_ip_from: null });
    expect(json['dns_records']).toEqual([]);
  });
});
