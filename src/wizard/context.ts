import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '../config/starter.js';
import { DATABASES } from '../stack/databases.js';
import type { QuestionContext } from '../../questionnaire/types.js';

const NOT_KEYS = new Set(['authorized_keys', 'known_hosts', 'known_hosts.old', 'config', 'environment']);

/** Private keys in ~/.ssh that have their .pub beside them, id_ed25519 first. */
export function findSshKeys(home: string): string[] {
  const directory = join(home, '.ssh');
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.endsWith('.pub') && !NOT_KEYS.has(name) && names.includes(`${name}.pub`))
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile())
    .sort((a, b) => Number(b.endsWith('/id_ed25519')) - Number(a.endsWith('/id_ed25519')) || a.localeCompare(b));
}

/** Questions whose default is a secret generated for the session: the stack's own, then each database's. */
export const GENERATED_SECRET_IDS: readonly string[] = ['api_token', ...DATABASES.flatMap((database) => database.wizard.generatedSecrets ?? []), 'grafana_password'];

/** What the questions may depend on besides the answers: keys on this machine, HCLOUD_TOKEN, fresh secrets. */
export function questionContext(env: NodeJS.ProcessEnv, generate: () => string = generateSecret): QuestionContext {
  const home = env['HOME'] && existsSync(env['HOME']) ? env['HOME'] : homedir();
  return {
    home,
    sshKeys: findSshKeys(home),
    hcloudTokenInEnvironment: (env['HCLOUD_TOKEN'] ?? '') !== '',
    generatedSecrets: Object.fromEntries(GENERATED_SECRET_IDS.map((id) => [id, generate()])),
  };
}
