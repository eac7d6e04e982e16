import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandInput } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';

/** The config file from `COMMAND FILE` or the Rust deployer's `-f/--env-file FILE`. */
export function configFileArgument(input: CommandInput, command: string): string {
  const positional = input.args['file'];
  const flag = input.options['envFile'] as string | undefined;
  if (positional && flag && resolve(positional) !== resolve(flag)) {
    throw new DeployerError('usage.invalid', `Two config files given: ${positional} and --env-file ${flag}`, { fix: `pass one: ttd ${command} FILE` });
  }
  const file = positional ?? flag;
  if (!file) throw new DeployerError('usage.invalid', 'No config file given', { fix: `pass one: ttd ${command} envs/my-tracker.toml` });
  return resolve(file);
}

/** ENV-or-FILE: a path (it has a slash or a config extension, or names an existing file) rather than an environment name. */
export function isConfigFile(target: string): boolean {
  if (/[\\/]/.test(target) || /\.(toml|json)$/i.test(target)) return true;
  return existsSync(target) && statSync(target).isFile();
}
