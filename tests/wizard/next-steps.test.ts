/**
 * What blocks a first deploy, said when the file is written (issue 16): on an existing host
 * the user and the exact ssh-copy-id line, the DNS records HTTPS needs, a missing key file,
 * `lxc` missing for LXD.
 */
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { homeWithKey } from './support.js';

function init(args: string[], env: NodeJS.ProcessEnv = {}) {
  const home = homeWithKey();
  return { home, run: runBinary(['init', '--non-interactive', '--yes', '--working-dir', temporaryDirectory('ttd-next-'), ...args], { env: { HOME: home, NO_COLOR: '1', ...env } }) };
}

describe('the checklist after the file is written', () => {
  it('an existing host: the sudo user, the exact ssh-copy-id line, and the DNS records for HTTPS', async () => {
    const { home, run } = init(['--name', 'edge', '--provider', 'existing', '--host', '192.0.2.1', '--ssh-port', '2222', '--https', '--domain', 'example.org', '--https-email', 'a@example.org', '--https-services', 'http,api']);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Next: ttd deploy envs/edge.toml\n');
    expect(result.stderr).toContain('Before deploying:');
    expect(result.stderr).toContain("The user torrust must exist on 192.0.2.1 with passwordless sudo (as root there: echo 'torrust ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/torrust)");
    expect(result.stderr).toContain(`ssh-copy-id -i ${home}/.ssh/id_ed25519.pub -p 2222 torrust@192.0.2.1`);
    expect(result.stderr).toMatch(/A {4}tracker\.example\.org {2}192\.0\.2\.1/);
    expect(result.stderr).toMatch(/A {4}api\.example\.org {6}192\.0\.2\.1/);
  });

  it('a key file that does not exist is named with the ssh-keygen line that creates it', async () => {
    const result = await init(['--name', 'nokey', '--provider', 'existing', '--host', '192.0.2.1', '--ssh-key', '/nonexistent/ttd-key']).run;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('The SSH key /nonexistent/ttd-key does not exist: create it with ssh-keygen -t ed25519 -f /nonexistent/ttd-key');
  });

  it('LXD without lxc on the PATH says so', async () => {
    const result = await init(['--name', 'nolxc'], { PATH: '/nonexistent' }).run;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('lxc is not installed: LXD deploys need it');
  });
});
