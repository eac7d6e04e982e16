import { describe, expect, it, vi } from 'vitest';
import { environmentJsonSchema } from '../../src/config/json-schema.js';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { dnsRecords } from '../../src/domain/dns-records.js';
import { serviceUrls } from '../../src/domain/service-urls.js';
import { publicPorts, topologyOf } from '../../src/domain/topology.js';
import { firewall } from '../../src/remote/steps/configure.js';
import { releaseSteps, storageDirectories } from '../../src/remote/steps/release.js';
import { imageChanges } from '../../src/remote/steps/upgrade.js';
import { composeModel } from '../../src/render/compose.js';
import { renderArtifacts } from '../../src/render/render.js';
import type { StackService } from '../../src/stack/types.js';
import { statusTarget } from '../../src/status/target.js';
import { minimalConfig } from '../support/configs.js';

/**
 * The registry's claim: a service declared in one module, and listed in the
 * registry, reaches every consumer without any of them naming it. A throwaway
 * service is added to the registry here (and nowhere else); each consumer's
 * output must then carry what its module declares.
 */
const fake = await vi.hoisted(async (): Promise<StackService<'memo'>> => {
  const { z } = await import('zod');
  return {
    name: 'memo',
    title: 'Memo cache',
    section: { key: 'memo', schema: z.strictObject({ size_mb: z.number().int().min(1).default(64) }), description: 'A memo cache. Present = enabled.' },
    image: 'example/memo:1.0',
    longRunning: true,
    deployed: (config) => (config as Record<string, unknown>)['memo'] !== undefined,
    hostPorts: () => [{ label: 'Memo', key: ['environment'], port: 11211, protocol: 'tcp', loopbackOnly: false }],
    urls: (_config, host) => [{ service: 'Memo', url: `http://${host}:11211`, access: 'public' }],
    domains: () => [{ domain: 'memo.example.com', key: ['environment'] }],
    compose: {
      order: 45,
      build: ({ config }) => ({ name: 'memo', comment: 'A throwaway service', image: (config.images as Record<string, string>)['memo'] ?? '', ports: [{ spec: '11211:11211', comment: 'Memo' }], environment: [], volumes: ['./storage/memo:/data'], networks: [], dependsOn: [] }),
    },
    storage: () => [{ owner: 'deploy-user', mode: '0755', paths: ['memo'] }],
    releaseSteps: (config) => ((config as Record<string, unknown>)['memo'] !== undefined ? [{ id: 'memo-warm', title: 'Warm the memo cache', commands: ['true'] }] : []),
    backupPaths: () => ['/data/storage/memo'],
  };
});

vi.mock('../../src/stack/registry.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/stack/registry.js')>();
  return { STACK: [...actual.STACK, fake] };
});

const parse = (overrides: Record<string, unknown> = {}): EnvironmentConfig => EnvironmentConfigSchema.parse(minimalConfig(overrides));

describe('a service added to the registry reaches every consumer', () => {
  const withMemo = parse({ memo: {} });
  const withoutMemo = parse();

  it('its config section: in the schema with its defaults and rules, and in the JSON Schema', () => {
    expect((withMemo as Record<string, unknown>)['memo']).toEqual({ size_mb: 64 });
    expect(EnvironmentConfigSchema.safeParse(minimalConfig({ memo: { size_mb: 0 } })).success).toBe(false);
    expect(EnvironmentConfigSchema.safeParse(minimalConfig({ memo: { colour: 'red' } })).success).toBe(false);
    const properties = environmentJsonSchema()['properties'] as Record<string, { description?: string }>;
    expect(properties['memo']?.description).toBe('A memo cache. Present = enabled.');
  });

  it('topology, firewall and the Hetzner-style public ports', () => {
    expect(topologyOf(withMemo).services).toContain('memo');
    expect(publicPorts(withMemo)).toContainEqual({ port: 11211, protocol: 'tcp', label: 'Memo' });
    expect(firewall(withMemo).commands).toContainEqual(expect.stringMatching(/\|\| ufw allow 11211\/tcp comment /));
    expect(firewall(withMemo).doneWhen).toContain('^11211/tcp +ALLOW IN');
    expect(topologyOf(withoutMemo).services).not.toContain('memo');
    expect(publicPorts(withoutMemo).map((port) => port.port)).not.toContain(11211);
  });

  it('docker-compose.yml, in the position its module asks for', () => {
    const names = composeModel(withMemo).services.map((service) => service.name);
    expect(names).toEqual(['tracker', 'memo']);
    const compose = renderArtifacts(withMemo).get('opt/torrust/docker-compose.yml')?.content ?? '';
    expect(compose).toContain('  memo:\n');
    expect(compose).toContain('image: "example/memo:1.0"');
    expect(composeModel(withoutMemo).services.map((service) => service.name)).toEqual(['tracker']);
  });

  it('its image is an [images] key with its default, and upgrade sees a change to it', () => {
    expect((withMemo.images as Record<string, string>)['memo']).toBe('example/memo:1.0');
    const pinned = parse({ memo: {}, images: { memo: 'example/memo:1.1' } });
    expect(imageChanges(withMemo, pinned)).toEqual([{ service: 'memo', from: 'example/memo:1.0', to: 'example/memo:1.1', deployed: true }]);
  });

  it('status expects it up, and reports its URL', () => {
    const target = statusTarget(withMemo, 'test-env', '192.0.2.10');
    expect(target.services).toContain('memo');
    expect(target.urls['memo']).toEqual(['http://192.0.2.10:11211']);
    expect(serviceUrls(withMemo, '192.0.2.10')).toContainEqual({ service: 'Memo', url: 'http://192.0.2.10:11211', access: 'public' });
  });

  it('DNS records, storage directories, release steps and the backup archive', () => {
    expect(dnsRecords(withMemo, '192.0.2.10')).toContainEqual({ type: 'A', name: 'memo.example.com', value: '192.0.2.10' });
    expect(storageDirectories(withMemo).commands.at(-1)).toBe('install -d -m 0755 -o torrust -g torrust /opt/torrust/storage/memo');
    expect(releaseSteps(withMemo, [], '.').map((step) => step.id)).toContain('memo-warm');
    expect(releaseSteps(withoutMemo, [], '.').map((step) => step.id)).not.toContain('memo-warm');
    const backupPaths = renderArtifacts(parse({ memo: {}, backup: {} })).get('opt/torrust/storage/backup/etc/backup-paths.txt')?.content ?? '';
    expect(backupPaths).toContain('/data/storage/memo');
  });
});
