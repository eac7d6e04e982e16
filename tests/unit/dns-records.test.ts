import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema } from '../../src/config/schema.js';
import { dnsRecordLines, dnsRecords } from '../../src/domain/dns-records.js';
import { minimalConfig } from '../support/configs.js';

describe('DNS records to create', () => {
  const base = minimalConfig();
  const tracker = base['tracker'] as Record<string, any>;
  const withDomains = EnvironmentConfigSchema.parse({
    ...base,
    https: { admin_email: 'admin@example.com' },
    tracker: {
      ...tracker,
      udp_trackers: [{ bind_address: '0.0.0.0:6969', domain: 'tracker.example.com' }],
      http_trackers: [{ bind_address: '0.0.0.0:7070', domain: 'tracker.example.com', use_tls_proxy: true }],
      http_api: { ...tracker['http_api'], domain: 'api.example.com', use_tls_proxy: true },
    },
  });

  it('one A record per domain (shared domains once), pointing at the instance; AAAA for IPv6', () => {
    expect(dnsRecords(withDomains, '203.0.113.7')).toEqual([
      { type: 'A', name: 'tracker.example.com', value: '203.0.113.7' },
      { type: 'A', name: 'api.example.com', value: '203.0.113.7' },
    ]);
    expect(dnsRecords(withDomains, '2001:db8::7').map((record) => record.type)).toEqual(['AAAA', 'AAAA']);
    expect(dnsRecordLines(withDomains, '203.0.113.7')[2]).toBe('  A    api.example.com      203.0.113.7');
  });

  it('nothing without domains or before the instance has an address', () => {
    expect(dnsRecords(EnvironmentConfigSchema.parse(base), '203.0.113.7')).toEqual([]);
    expect(dnsRecordLines(withDomains, undefined)).toEqual([]);
  });
});
