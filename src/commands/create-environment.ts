import { existsSync } from 'node:fs';
import type { CommandHandler } from '../cli/context.js';
import { instanceNameOf } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { newEnvironmentRecord } from '../state/environment-record.js';
import { createEnvironmentRecord, environmentDir, environmentFile, readEnvironmentRecord } from '../state/store.js';
import { configFileArgument } from './config-file-argument.js';
import { loadValidConfig } from './load-valid-config.js';

/** `create environment --env-file FILE`: records a valid config as a new environment in state Created. */
const createEnvironment: CommandHandler = async (context, input) => {
  const file = configFileArgument(input, 'create environment --env-file');
  const loaded = await loadValidConfig(context, file, { connects: false });
  const name = loaded.config.environment.name;
  const dataDir = environmentDir(context.workingDir, name);
  const createdAt = new Date().toISOString();
  // A state the Rust deployer left there is named as such, with the commands that adopt its instance.
  await readEnvironmentRecord(context.workingDir, name);

  if (context.dryRun) {
    if (existsSync(environmentFile(context.workingDir, name))) throw existsError(name, dataDir);
    context.output.resultJson({ dry_run: true, environment_name: name, would_write: [`${dataDir}/environment.json`] });
    context.output.result(`Would create environment '${name}' in ${dataDir} (state: created)`);
    return 0;
  }

  const record = newEnvironmentRecord({
    name,
    createdAt,
    command: input.command,
    config: { source_file: file, format: loaded.document.format, snapshot: loaded.document.data },
  });
  if (!(await createEnvironmentRecord(context.workingDir, record))) throw existsError(name, dataDir);

  context.output.resultJson({ environment_name: name, instance_name: instanceNameOf(loaded.config), data_dir: dataDir, state: 'created', created_at: createdAt });
  context.output.success(`Environment '${name}' created (state: created)`);
  // An existing host named by provider.host needs no register: provision reaches it at that address.
  const needsRegister = loaded.config.provider.provider === 'existing' && addressFromConfig(loaded.config) === undefined;
  context.output.result(`Data: ${dataDir}\nNext: ttd deploy ${name}   (or step by step: ttd ${needsRegister ? `register ${name} --instance-ip IP` : `provision ${name}`})`);
  return 0;
};

function existsError(name: string, dataDir: string): DeployerError {
  return new DeployerError('environment.exists', `Environment '${name}' already exists in ${dataDir}`, {
    where: dataDir,
    fix: `use it (ttd deploy ${name}), pick another environment.name, or remove it first with ttd purge ${name}`,
  });
}

export default createEnvironment;
