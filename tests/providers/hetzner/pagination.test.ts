import { describe, expect, it } from 'vitest';
import { harness, newPublicKey } from './support.js';

describe('Hetzner client pagination', () => {
  it('follows meta.pagination.next_page 50 at a time and finds every labelled resource', async () => {
    const h = await harness();
    for (let index = 0; index < 120; index++) {
      h.standIn.seedSshKey({ name: `key-${index}`, public_key: newPublicKey(), labels: index % 2 === 0 ? { 'managed-by': 'torrust-tracker-deployer', environment: 'big' } : {} });
    }
    for (let index = 0; index < 55; index++) h.standIn.seedFirewall({ name: `fw-${index}`, labels: { 'managed-by': 'torrust-tracker-deployer', environment: 'big' } });

    const found = await h.cloud.findEnvironment('big');
    expect(found.sshKeys).toHaveLength(60);
    expect(found.firewalls).toHaveLength(55);
    expect(new Set(found.sshKeys.map((key) => key.id)).size).toBe(60);

    const keyPages = h.standIn.requests.filter((request) => request.path === '/ssh_keys').map((request) => [request.query.get('page'), request.query.get('per_page')]);
    expect(keyPages).toEqual([['1', '50'], ['2', '50']]);
    const firewallPages = h.standIn.requests.filter((request) => request.path === '/firewalls').map((request) => request.query.get('page'));
    expect(firewallPages).toEqual(['1', '2']);
  });

  it('destroys an environment whose resources span several pages', async () => {
    const h = await harness();
    for (let index = 0; index < 53; index++) h.standIn.seedSshKey({ name: `key-${index}`, public_key: newPublicKey(), labels: { 'managed-by': 'torrust-tracker-deployer', environment: 'many' } });
    const report = await h.cloud.destroyEnvironment('many');
    expect(report.deleted).toHaveLength(53);
    expect(h.standIn.snapshot().sshKeys).toEqual([]);
  });
});
