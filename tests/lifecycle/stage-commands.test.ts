import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_NETWORK, scratch, treeOf, ttd, writeConfig } from './support.js';

describe('the stage commands: provision, register, configure, release, run, test', () => {
  let workingDir: string;

  beforeAll(async () => {
    workingDir = scratch('ttd-stages-');
    expect((await ttd(['create', 'environment', '--env-file', writeConfig(workingDir, { name: 'host', provider: 'existing' })], workingDir)).code).toBe(0);
    expect((await ttd(['create', 'environment', '--env-file', writeConfig(workingDir, { name: 'box', provider: 'lxd' })], workingDir)).code).toBe(0);
    expect((await ttd(['create', 'environment', '--env-file', writeConfig(workingDir, { name: 'built', provider: 'lxd' })], workingDir)).code).toBe(0);
    // As if provision, configure and release had run: every later stage may run again from here.
    const stateFile = join(workingDir, 'data', 'built', 'environment.json');
    writeFileSync(stateFile, JSON.stringify({ ...JSON.parse(readFileSync(stateFile, 'utf8')), state: 'released', reached: 'released', instance: { address: '192.0.2.9', method: 'provisioned' } }));
  });

  it('each plans its stage with --dry-run, changing nothing and opening no connection', async () => {
    const expected: [string[], string[]][] = [
      [['provision', 'box'], ['API: lxd create torrust-tracker-vm-box', 'Wait for SSH', 'Check sudo, operating system and architecture']],
      [['register', 'host', '--instance-ip', '192.0.2.7', '--ssh-port', '2222'], ['Wait for SSH on port 2222', 'Check sudo, operating system and architecture']],
      [['configure', 'built'], ['Install Docker, Compose v2, unattended-upgrades and UFW (one apt transaction)', 'Start Docker, and at every boot', 'Configure the firewall (UFW)', 'ufw allow 6969/udp']],
      [['release', 'built'], ['Create the storage directories', 'Upload /opt/torrust/docker-compose.yml', 'Upload /opt/torrust/.env', 'Create the SQLite database file tracker.db']],
      [['run', 'built'], ['docker compose up --detach --remove-orphans --wait']],
    ];
    for (const [args, texts] of expected) {
      const before = treeOf(workingDir);
      const result = await ttd([...args, '--dry-run'], workingDir, { nodeOptions: ['--import', NO_NETWORK] });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      for (const text of texts) expect(result.stdout, args.join(' ')).toContain(text);
      expect(result.stderr).not.toContain('NETWORK USED');
      expect(treeOf(workingDir)).toEqual(before);
    }
  });

  it('test needs an address: before provision or register it says what to run', async () => {
    const result = await ttd(['test', 'box'], workingDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Environment 'box' has no instance address yet");
  });

  it('register adopts a host: no provider calls in its plan', async () => {
    const result = await ttd(['register', 'host', '--instance-ip', '192.0.2.7', '--dry-run'], workingDir);
    expect(result.stdout).not.toContain('API:');
  });

  it.each([
    [['register', 'host'], 'register needs the host\'s address'],
    [['register', 'host', '--instance-ip', 'not-an-ip'], 'is not an IPv4 or IPv6 address'],
    [['register', 'host', '--instance-ip', '192.0.2.7', '--ssh-port', '70000'], 'is not a port'],
  ])('register %j is a usage error (exit 2)', async (args, message) => {
    const result = await ttd(args, workingDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('a stage of an unknown environment names the ones that exist', async () => {
    const result = await ttd(['configure', 'nope'], workingDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nope');
  });
});
