import { describe, expect, it } from 'vitest';
import { checkDns, type DnsResolver } from '../../src/checks/dns.js';

/** A resolver answering from a table; a missing name fails as the system resolver does. */
function resolverOf(records: Record<string, { a?: string[]; aaaa?: string[] }>): DnsResolver {
  const answer = (domain: string, addresses: string[] | undefined) =>
    addresses && addresses.length > 0 ? Promise.resolve(addresses)
    : Promise.reject(Object.assign(new Error(`queryA ENOTFOUND ${domain}`), { code: domain in records ? 'ENODATA' : 'ENOTFOUND' }));
  return {
    resolve4: (domain) => answer(domain, records[domain]?.a),
    resolve6: (domain) => answer(domain, records[domain]?.aaaa),
  };
}

describe('the advisory DNS check', () => {
  const resolver = resolverOf({
    'tracker.example.com': { a: ['203.0.113.7'] },
    'moved.example.com': { a: ['198.51.100.1', '198.51.100.2'] },
    'dual.example.com': { a: ['203.0.113.7'], aaaa: ['2001:db8::99'] },
    'v6.example.com': { aaaa: ['2001:db8:0:0::1'] },
    'empty.example.com': {},
  });

  it('passes when an A record points at the instance', async () => {
    expect(await checkDns('tracker.example.com', '203.0.113.7', { resolver })).toEqual({
      ok: true,
      domain: 'tracker.example.com',
      addresses: ['203.0.113.7'],
      message: 'tracker.example.com resolves to 203.0.113.7',
    });
  });

  it('warns when the domain does not resolve, saying which record to create', async () => {
    expect(await checkDns('new.example.com', '203.0.113.7', { resolver })).toEqual({
      ok: false,
      domain: 'new.example.com',
      addresses: [],
      problem: 'does-not-resolve',
      message: 'new.example.com does not resolve (expected 203.0.113.7): ENOTFOUND',
      fix: 'create a DNS A record: new.example.com → 203.0.113.7',
    });
    expect(await checkDns('empty.example.com', '203.0.113.7', { resolver })).toMatchObject({ problem: 'does-not-resolve', message: expect.stringContaining('ENODATA') });
  });

  it('warns when it resolves elsewhere, listing the addresses', async () => {
    expect(await checkDns('moved.example.com', '203.0.113.7', { resolver })).toMatchObject({
      ok: false,
      problem: 'resolves-elsewhere',
      message: 'moved.example.com resolves to 198.51.100.1, 198.51.100.2, not to the instance (203.0.113.7)',
      fix: 'point the A record of moved.example.com at 203.0.113.7',
    });
  });

  it('passes but mentions AAAA records that IPv6 clients would use instead', async () => {
    expect(await checkDns('dual.example.com', '203.0.113.7', { resolver })).toMatchObject({
      ok: true,
      message: 'dual.example.com resolves to 203.0.113.7 (and AAAA 2001:db8::99: make sure it is the instance too)',
    });
  });

  it('compares IPv6 addresses in their canonical form', async () => {
    expect(await checkDns('v6.example.com', '2001:db8::1', { resolver })).toMatchObject({ ok: true });
    expect(await checkDns('tracker.example.com', '2001:db8::1', { resolver })).toMatchObject({ ok: false, problem: 'resolves-elsewhere', fix: 'point the AAAA record of tracker.example.com at 2001:db8::1' });
  });
});
