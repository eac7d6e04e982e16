import { describe, expect, it } from 'vitest';
import { testConfigToml } from './environment-config.js';

/** The test kit writes configs with the project's own TOML writer, and checks each one reads back the same. */
describe('the test config builder', () => {
  it('writes what a test asks for, through the writer, and reads back the same config', () => {
    const text = testConfigToml({
      name: 'kit',
      provider: 'existing',
      host: '10.0.0.5',
      tracker: { http_trackers: [{ bind_address: '0.0.0.0:7070', domain: 'tracker.kit.test', use_tls_proxy: true }] },
      sections: { https: { admin_email: 'ops@kit.test', acme_ca: 'https://ca.kit.test/acme/directory', acme_ca_root: 'root.pem', dns_resolvers: ['127.0.0.1:5353', '192.0.2.53'] }, backup: { schedule: '@daily' } },
    });
    expect(text).toContain('# Check it: ttd validate envs/kit.toml');
    expect(text).toContain('dns_resolvers = ["127.0.0.1:5353", "192.0.2.53"]');
    expect(text).toContain('acme_ca = "https://ca.kit.test/acme/directory"');
  });

  it('refuses a config the schema refuses, naming the problem', () => {
    expect(() => testConfigToml({ name: 'Not Valid' })).toThrow(/environment/);
  });
});
