import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { ConfigProblem } from '../../src/config/problems.js';
import { temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

/** https.acme_ca and https.acme_ca_root: a custom ACME CA (a private step-ca, or pebble in the lab). */

const dir = temporaryDirectory('ttd-acme-');
let counter = 0;
async function load(https: Record<string, unknown>) {
  const base = minimalConfig();
  const config = {
    ...base,
    https: { admin_email: 'ops@example.com', ...https },
    tracker: { ...(base['tracker'] as object), http_api: { bind_address: '0.0.0.0:1212', admin_token: 'a-long-random-admin-token', domain: 'api.example.com', use_tls_proxy: true } },
  };
  const path = join(dir, `case-${++counter}.json`);
  writeFileSync(path, JSON.stringify(config));
  return loadConfigFile(path, {});
}
const about = (problems: readonly ConfigProblem[], key: string) => problems.filter((problem) => problem.path === `https.${key}`);

describe('https.acme_ca', () => {
  it('an https:// directory URL is accepted and kept as written', async () => {
    const loaded = await load({ acme_ca: 'https://ca.example.com/acme/acme/directory' });
    expect(loaded.problems.filter((problem) => problem.path.startsWith('https'))).toEqual([]);
    expect(loaded.config?.https?.acme_ca).toBe('https://ca.example.com/acme/acme/directory');
  });

  it.each([
    ['http://ca.example.com/directory', 'served over https://'],
    ['ca.example.com/directory', 'is not a URL'],
    ['https://user:pw@ca.example.com/directory', 'must not hold credentials'],
  ])('%s is an error naming the key and what is wrong', async (value, expected) => {
    const loaded = await load({ acme_ca: value });
    expect(loaded.config).toBeUndefined();
    const [problem] = about(loaded.problems, 'acme_ca');
    expect(problem?.severity).toBe('error');
    expect(problem?.message).toContain(expected);
    expect(problem?.fix).toContain('directory URL');
  });

  it('with use_staging = true is a conflict: both choose the CA', async () => {
    const loaded = await load({ acme_ca: 'https://ca.example.com/dir', use_staging: true });
    expect(loaded.config).toBeUndefined();
    expect(about(loaded.problems, 'acme_ca')).toEqual([expect.objectContaining({ code: 'config.conflict', message: expect.stringContaining('use_staging') })]);
  });
});

describe('https.acme_ca_root', () => {
  it('without acme_ca is a conflict', async () => {
    const loaded = await load({ acme_ca_root: '/etc/ssl/root.pem' });
    expect(loaded.config).toBeUndefined();
    expect(about(loaded.problems, 'acme_ca_root')).toEqual([expect.objectContaining({ code: 'config.conflict', fix: expect.stringContaining('set acme_ca') })]);
  });

  it('a relative path is resolved against the config file, like the SSH keys', async () => {
    mkdirSync(join(dir, 'ca'), { recursive: true });
    writeFileSync(join(dir, 'ca', 'root.pem'), '-----BEGIN CERTIFICATE-----\n');
    const loaded = await load({ acme_ca: 'https://ca.example.com/dir', acme_ca_root: 'ca/root.pem' });
    expect(loaded.problems.filter((problem) => problem.path.startsWith('https'))).toEqual([]);
    expect(loaded.config?.https?.acme_ca_root).toBe(join(dir, 'ca', 'root.pem'));
  });

  it('a file that does not exist here is a warning that blocks commands that connect (release uploads it)', async () => {
    const loaded = await load({ acme_ca: 'https://ca.example.com/dir', acme_ca_root: 'missing/root.pem' });
    expect(loaded.config).toBeDefined();
    expect(about(loaded.problems, 'acme_ca_root')).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'config.key_file_missing', blocksConnect: true, message: expect.stringContaining(join(dir, 'missing', 'root.pem')) }),
    ]);
  });
});
