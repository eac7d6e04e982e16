import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { separateSecrets } from '../../src/config/secret-variables.js';
import { parseSecrets, readSecretsFileFor, secretLine, secretsFileText, secretsPathFor, withSecretsFile, writeSecretsFile } from '../../src/config/secrets-file.js';
import { EnvironmentConfigSchema } from '../../src/config/schema.js';
import { newEnvironmentRecord } from '../../src/state/environment-record.js';
import { configFromRecord, secretsOf } from '../../src/state/snapshot-config.js';
import { DeployerError } from '../../src/domain/errors.js';
import { temporaryDirectory } from '../support/cli.js';
import { testConfigInput, testConfigToml } from '../support/environment-config.js';

/** Values a generated or typed secret may hold that a careless dotenv writer or reader would change. */
const NASTY = [
  'plain',
  'dollar$',
  '$HOME',
  '${HOME}',
  '$${HOME}',
  'a ${X:-y} b',
  'hash#inside',
  ' #comment-like',
  '#starts-with-hash',
  "single'quote",
  'double"quote',
  `both'and"`,
  '  spaces around  ',
  'back\\slash\\',
  '\\n is not a newline',
  'a=b=c',
  '`backtick`',
  'line\nbreak',
  'carriage\rreturn',
  'tab\there',
  'nul\u0000and\u007fdel',
  'üñíçødé ✓',
  '',
];

function syntaxError(text: string): DeployerError {
  try {
    parseSecrets(text, 'envs/x.secrets');
  } catch (error) {
    if (error instanceof DeployerError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('the secrets file format', () => {
  it('sits beside the config: its extension replaced by .secrets', () => {
    expect(secretsPathFor('envs/prod.toml')).toBe('envs/prod.secrets');
    expect(secretsPathFor('/abs/envs/prod.json')).toBe('/abs/envs/prod.secrets');
    expect(secretsPathFor('envs/prod')).toBe('envs/prod.secrets');
    expect(secretsPathFor('conf.d/prod')).toBe('conf.d/prod.secrets');
    expect(secretsPathFor('envs/my.prod.toml')).toBe('envs/my.prod.secrets');
  });

  it.each(NASTY.map((value) => [value]))('%j is written so it reads back byte for byte', (value) => {
    expect(parseSecrets(`${secretLine('TTD_X', value)}\n`, 'x.secrets')).toEqual({ TTD_X: value });
  });

  it('any string reads back byte for byte (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        expect(parseSecrets(secretsFileText([{ name: 'TTD_A', value, comment: 'a' }, { name: 'TTD_B', value: `${value}$` }], 'envs/x.toml'), 'x.secrets')).toEqual({ TTD_A: value, TTD_B: `${value}$` });
      }),
      { numRuns: 300 },
    );
  });

  it('single quotes hold a value as it is: what a shell and compose read from the same line', () => {
    expect(secretLine('A', 'p$ss#w"rd ${X}\\')).toBe(`A='p$ss#w"rd \${X}\\'`);
    // Double quotes only when single ones cannot hold it; $ and ` escaped there, as a shell wants them.
    expect(secretLine('A', "it's $x")).toBe('A="it\'s \\$x"');
  });

  it('reads comments, blank lines, export, bare values with a " #" comment, and CRLF line ends', () => {
    const text = [
      '# a comment',
      '',
      '   # indented comment',
      'export TTD_A=bare value  # trailing comment',
      'TTD_B = spaced',
      "TTD_C='literal \\n $X'   # comment",
      'TTD_D="esc \\" \\\\ \\$ \\n\\t\\x41"',
      'TTD_E=',
      'TTD_F=a#b',
    ].join('\r\n');
    expect(parseSecrets(text, 'x.secrets')).toEqual({
      TTD_A: 'bare value',
      TTD_B: 'spaced',
      TTD_C: 'literal \\n $X',
      TTD_D: 'esc " \\ $ \n\tA',
      TTD_E: '',
      TTD_F: 'a#b',
    });
  });

  it.each([
    ['no = on the line', 'TTD_A=1\njust-a-secret-value\n', 2, 'not NAME=value'],
    ['a name that is not one', 'TTD_A=1\n\n9BAD=x\n', 3, 'not a variable name'],
    ['an unclosed quote', "TTD_A='unclosed-secret\n", 1, 'not closed'],
    ['text after the quote', "TTD_A='quoted'tail-secret\n", 1, 'text follows'],
    ['an unknown escape', 'TTD_A="bad\\qescape-secret"\n', 1, 'not an escape'],
    ['the same name twice', 'TTD_A=one-secret\nTTD_A=two-secret\n', 2, 'set again (first on line 1)'],
  ])('a malformed line (%s) is config.secrets_syntax at file:line, without the value', (_what, text, line, message) => {
    const error = syntaxError(text);
    expect(error.code).toBe('config.secrets_syntax');
    expect(error.where).toBe(`envs/x.secrets:${line}`);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/secret-value|unclosed-secret|tail-secret|escape-secret|two-secret/);
    expect(error.fix).toEqual(expect.any(String));
  });

  it('the process environment wins over the file when it sets a variable (non-empty), as compose does with .env', () => {
    const file = { path: 'x.secrets', values: { A: 'file', B: 'file', C: 'file' } };
    expect(withSecretsFile({ A: 'env', B: '', D: 'env' }, file)).toEqual({ A: 'env', B: 'file', C: 'file', D: 'env' });
    expect(withSecretsFile({ A: 'env' }, undefined)).toEqual({ A: 'env' });
  });
});

describe('reading and writing the secrets file', () => {
  it('no file: nothing, and a config without one loads as before', async () => {
    const dir = temporaryDirectory('ttd-secrets-');
    const config = join(dir, 'demo.toml');
    writeFileSync(config, testConfigToml({ adminToken: 'InlineAdminToken-0123456789' }));
    expect(readSecretsFileFor(config)).toBeUndefined();
    const loaded = await loadConfigFile(config, {});
    expect(loaded.config?.tracker.http_api.admin_token).toBe('InlineAdminToken-0123456789');
    expect(loaded.secretsFile).toBeUndefined();
  });

  it('is written 0600, atomically, refusing to replace a file unless asked', async () => {
    const dir = temporaryDirectory('ttd-secrets-');
    const path = join(dir, 'envs', 'demo.secrets');
    await writeSecretsFile(path, "A='one'\n", { overwrite: false });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(writeSecretsFile(path, "A='two'\n", { overwrite: false })).rejects.toMatchObject({ code: 'file.exists' });
    expect(readFileSync(path, 'utf8')).toBe("A='one'\n");
    await writeSecretsFile(path, "A='two'\n", { overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe("A='two'\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'envs'))).toEqual(['demo.secrets']);
  });

  it('refuses a file others may read or change (config.secrets_exposed), naming the chmod that fixes it', () => {
    const dir = temporaryDirectory('ttd-secrets-');
    const config = join(dir, 'demo.toml');
    writeFileSync(join(dir, 'demo.secrets'), "TTD_A='x'\n", { mode: 0o600 });
    expect(readSecretsFileFor(config)?.values).toEqual({ TTD_A: 'x' });
    for (const mode of [0o644, 0o640, 0o602]) {
      chmodSync(join(dir, 'demo.secrets'), mode);
      expect(() => readSecretsFileFor(config)).toThrow(expect.objectContaining({ code: 'config.secrets_exposed', fix: expect.stringContaining(`chmod 600 ${join(dir, 'demo.secrets')}`) }));
    }
  });

  it('fills ${VAR} references of the config; the environment wins; every value from it is kept out of messages', async () => {
    const dir = temporaryDirectory('ttd-secrets-');
    const config = join(dir, 'demo.toml');
    writeFileSync(config, testConfigToml({ adminToken: '${TTD_TRACKER_ADMIN_TOKEN}' }).replace('"127.0.0.1:1313"', '"${TTD_HEALTH}"'));
    writeFileSync(join(dir, 'demo.secrets'), "TTD_TRACKER_ADMIN_TOKEN='FromTheFile-0123456789'\nTTD_HEALTH='not-an-address-SECRETISH'\n", { mode: 0o600 });
    const loaded = await loadConfigFile(config, {});
    expect(loaded.secretsFile?.path).toBe(join(dir, 'demo.secrets'));
    const problem = loaded.problems.find((item) => item.path === 'tracker.health_check_api.bind_address');
    expect(problem?.severity).toBe('error');
    expect(JSON.stringify(loaded.problems)).not.toContain('not-an-address-SECRETISH');

    writeFileSync(join(dir, 'demo.secrets'), "TTD_TRACKER_ADMIN_TOKEN='FromTheFile-0123456789'\nTTD_HEALTH='127.0.0.1:1313'\n");
    expect((await loadConfigFile(config, {})).config?.tracker.http_api.admin_token).toBe('FromTheFile-0123456789');
    expect((await loadConfigFile(config, { TTD_TRACKER_ADMIN_TOKEN: 'FromTheEnvironment-0123' })).config?.tracker.http_api.admin_token).toBe('FromTheEnvironment-0123');
  });

  it('deploy FILE masks what deploy NAME masks: the loaded config and its secrets file give the recorded environment\'s list', async () => {
    const dir = temporaryDirectory('ttd-secrets-');
    const config = join(dir, 'demo.toml');
    writeFileSync(config, testConfigToml({ adminToken: '${TTD_TRACKER_ADMIN_TOKEN}' }));
    writeFileSync(join(dir, 'demo.secrets'), "TTD_TRACKER_ADMIN_TOKEN='FromTheFile-0123456789'\nTTD_UNUSED='AlsoMasked-0123456789'\n", { mode: 0o600 });
    const loaded = await loadConfigFile(config, {});
    const fromFile = secretsOf(loaded.config!, loaded.secretsFile);
    expect(fromFile).toEqual(expect.arrayContaining(['FromTheFile-0123456789', 'AlsoMasked-0123456789']));
    const record = newEnvironmentRecord({ name: 'demo', createdAt: '', command: '', config: { source_file: config, format: 'toml', snapshot: loaded.document.data } });
    expect(fromFile).toEqual(configFromRecord(record, {}).secrets);
  });

  it('a malformed secrets file stops loading with its line', async () => {
    const dir = temporaryDirectory('ttd-secrets-');
    const config = join(dir, 'demo.json');
    writeFileSync(config, JSON.stringify(testConfigInput({ adminToken: '${TTD_TRACKER_ADMIN_TOKEN}' })));
    writeFileSync(join(dir, 'demo.secrets'), '# ok\nTTD_TRACKER_ADMIN_TOKEN\n', { mode: 0o600 });
    await expect(loadConfigFile(config, {})).rejects.toMatchObject({ code: 'config.secrets_syntax', where: `${join(dir, 'demo.secrets')}:2` });
  });
});

describe('separating the secrets of a config', () => {
  it('moves each secret to a stable TTD_ variable, leaves a whole ${VAR} and the rest alone, and unescapes $${', () => {
    const config = EnvironmentConfigSchema.parse(
      testConfigInput({
        adminToken: 'tok$${en',
        database: { driver: 'mysql', host: 'mysql', port: 3306, database_name: 'tracker', username: 'tracker', password: 'db-pass', root_password: '${ROOT_FROM_ENV}' },
        sections: { grafana: { admin_password: 'graf' }, prometheus: {} },
      }),
    );
    const { config: separated, entries } = separateSecrets(config);
    expect(entries).toEqual([
      { name: 'TTD_MYSQL_PASSWORD', value: 'db-pass', comment: 'tracker.core.database.password' },
      { name: 'TTD_TRACKER_ADMIN_TOKEN', value: 'tok${en', comment: 'tracker.http_api.admin_token' },
      { name: 'TTD_GRAFANA_ADMIN_PASSWORD', value: 'graf', comment: 'grafana.admin_password' },
    ]);
    expect(separated.tracker.http_api.admin_token).toBe('${TTD_TRACKER_ADMIN_TOKEN}');
    expect(separated.tracker.core.database).toMatchObject({ password: '${TTD_MYSQL_PASSWORD}', root_password: '${ROOT_FROM_ENV}' });
    expect(separated.grafana?.admin_password).toBe('${TTD_GRAFANA_ADMIN_PASSWORD}');
    expect(config.tracker.http_api.admin_token).toBe('tok$${en');
  });
});
