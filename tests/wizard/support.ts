import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '../support/cli.js';

/** A home directory with a real ed25519 key pair in ~/.ssh, as the wizard expects to find one. */
export function homeWithKey(): string {
  const home = temporaryDirectory('ttd-home-');
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
  return home;
}

/** Stand-in for the secret generator: predictable, so the wizard and the flags can give the same values. */
export function countingSecrets(): () => string {
  let count = 0;
  return () => `secret-${++count}-0123456789abcdef`;
}
