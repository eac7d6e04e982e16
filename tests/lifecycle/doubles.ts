import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecOptions, ExecResult, Provider, ProviderInstance, RemoteConnector, RemoteHost } from '../../src/run/ports.js';

/** A provider double: instances live in memory; every call is recorded. */
export class FakeProvider implements Provider {
  readonly name = 'lxd';
  readonly calls: string[] = [];
  readonly instances = new Map<string, ProviderInstance & { address: string }>();
  failCreate = false;

  constructor(private readonly instanceAddress = '127.0.0.1') {}

  async find(instanceName: string): Promise<ProviderInstance | undefined> {
    this.calls.push(`find ${instanceName}`);
    return this.instances.get(instanceName);
  }

  async create(instanceName: string): Promise<ProviderInstance> {
    this.calls.push(`create ${instanceName}`);
    if (this.failCreate) throw new Error('quota exceeded');
    const instance = { id: `id-${instanceName}`, name: instanceName, kind: 'instance', address: this.instanceAddress };
    this.instances.set(instanceName, instance);
    return instance;
  }

  async address(instance: ProviderInstance): Promise<string | undefined> {
    this.calls.push(`address ${instance.name}`);
    return this.instances.get(instance.name)?.address;
  }

  async destroy(instanceName: string, resourceIds: readonly string[]): Promise<void> {
    this.calls.push(`destroy ${instanceName} [${resourceIds.join(',')}]`);
    this.instances.delete(instanceName);
  }

  plan(action: 'create' | 'address' | 'destroy', instanceName: string): readonly string[] {
    return [`fake ${action} ${instanceName}`];
  }
}

/**
 * A remote host double: scripts run in a local shell with ROOT pointing at a
 * scratch directory (the "instance's" file system); uploads land under it. `sudo -n`
 * runs the command as this user (a shim first on PATH): what runs as root on a host.
 */
export class ShellHost implements RemoteHost {
  readonly scripts: string[] = [];
  hostKey: string | undefined = 'ssh-ed25519 AAAAfake';

  constructor(readonly root: string, private readonly env: NodeJS.ProcessEnv = {}) {}

  exec(script: string, options: ExecOptions): Promise<ExecResult> {
    this.scripts.push(script);
    return new Promise((done) => {
      const child = spawn('sh', ['-c', script], { env: { PATH: `${sudoShim()}:${process.env['PATH']}`, ROOT: this.root, ...this.env }, signal: options.signal });
      // A script may exit without reading its input.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
      let stdout = '';
      let stderr = '';
      let partial = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.onLine?.('stdout', line);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', () => done({ exitCode: 255, stdout, stderr }));
      child.on('close', (code) => {
        if (partial) options.onLine?.('stdout', partial);
        done({ exitCode: code ?? 255, stdout, stderr });
      });
    });
  }

  async close(): Promise<void> {}
}

let shim: string | undefined;

/** A directory holding a `sudo` that drops -n and runs the rest as this user. */
function sudoShim(): string {
  if (shim) return shim;
  shim = mkdtempSync(join(tmpdir(), 'ttd-sudo-shim-'));
  writeFileSync(join(shim, 'sudo'), '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n', { mode: 0o755 });
  return shim;
}

export function connectorFor(host: ShellHost, seen: string[] = []): RemoteConnector {
  return async (address) => {
    seen.push(address);
    return host;
  };
}
