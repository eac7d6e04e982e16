/**
 * The plain line prompts (TERM=dumb) check the key files before writing too (issue 16): a key
 * that does not exist is offered to ssh-keygen, really run into a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPlainWizard } from '../../screens/wizard/plain-wizard.js';
import { testContext } from '../../screens/wizard/fixtures.js';

/** Runs the plain wizard, typing each answer once its prompt is on the output. */
async function converse(given: Record<string, string>, replies: readonly (readonly [prompt: string, answer: string])[], env: NodeJS.ProcessEnv = process.env) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  let transcript = '';
  let next = 0;
  output.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
    transcript += chunk.toString();
    const reply = replies[next];
    if (reply && shown.includes(reply[0])) {
      next += 1;
      shown = '';
      input.write(`${reply[1]}\n`);
    }
  });
  const workingDir = mkdtempSync(join(tmpdir(), 'ttd-plain-'));
  const outcome = await runPlainWizard({ given, context: testContext(), workingDir, dryRun: false, env, input, output });
  return { outcome, workingDir, answered: next, transcript };
}

describe('the plain wizard, before writing', () => {
  it('offers to generate a key that does not exist, and ssh-keygen makes the pair', async () => {
    const key = join(mkdtempSync(join(tmpdir(), 'ttd-keys-')), 'id_plain');
    const { outcome, workingDir, answered } = await converse({ name: 'plain', provider: 'existing', host: '127.0.0.1', ssh_key: key }, [
      ['Choose [1]', '2'],
      [`The SSH key ${key} does not exist. Generate it now (ssh-keygen -t ed25519, no passphrase)? [Y/n]`, ''],
    ]);
    expect(answered).toBe(2);
    expect(outcome).toMatchObject({ status: 'written', deployNow: false });
    expect(existsSync(join(workingDir, 'envs', 'plain.toml'))).toBe(true);
    expect(execFileSync('ssh-keygen', ['-y', '-f', key], { encoding: 'utf8' }).split(' ')[1]).toBe(readFileSync(`${key}.pub`, 'utf8').split(' ')[1]);
  });

  it('n writes the file without the key, and says lxc is missing for LXD', async () => {
    const key = join(mkdtempSync(join(tmpdir(), 'ttd-keys-')), 'id_absent');
    const { outcome, workingDir, transcript } = await converse({ name: 'plainlxd', provider: 'lxd', ssh_key: key }, [
      ['Choose [1]', '2'],
      ['does not exist. Generate it now', 'n'],
    ], { PATH: '/nonexistent' });
    expect(outcome).toMatchObject({ status: 'written' });
    expect(existsSync(join(workingDir, 'envs', 'plainlxd.toml'))).toBe(true);
    expect(existsSync(key)).toBe(false);
    expect(transcript).toContain('⚠ lxc is not installed: LXD deploys need it');
  });
});
