import type { CommandHandler } from '../cli/context.js';
import { instanceNameOf } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { createEnvironmentRecord, environmentDir, STATE_FORMAT_VERSION } from '../state/environment-record.js';
import { configFileArgument } from './config-file-argument.js';
import { loadValidConfig } from './load-valid-config.js';

/** `create environment --env-file FILE`: records a valid config as a new environment in state Created. */
const createEnvironment: CommandHandler = async (context, input) => {
  const file = configFileArgument(input, 'create environment --env-file');
  const loaded = await loadValidConfig(context, file, { connects: false });
  const name = loaded.config.environment.name;
  const dataDir = environmentDir(context.workingDir, name);
  const createdAt = new Date().toISOString();

  if (context.dryRun) {
    context.output.resultJson({ dry_run: true, environment_name: name, would_write: [`${dataDir}/environment.json`] });
    context.output.result(`Would create environment '${name}' in ${dataDir} (state: created)`);
    return 0;
  }

  const created = await createEnvironmentRecord(context.workingDir, {
    format_version: STATE_FORMAT_VERSION,
    name,
    state: 'created',
    created_at: createdAt,
    config: { source_file: file, format: loaded.document.format, snapshot: loaded.document.data },
    history: [{ command: 'create environment', at: createdAt, outcome: 'succeeded' }],
  });
  if (!created) {
    throw new DeployerError('environment.exists', `Environment '${name}' already exists in ${dataDir}`, {
      where: dataDir,
      fix: `use it (ttd deploy ${name}), pick another environment.name, or remove it first with ttd purge ${name}`,
    });
  }

  context.output.resultJson({ environment_name: name, instance_name: instanceNameOf(loaded.config), data_dir: dataDir, state: 'created', created_at: createdAt });
  context.output.success(`Environment '${name}' created (state: created)`);
  context.output.result(`Data: ${dataDir}\nNext: ttd deploy ${name}   (or step by step: ttd ${loaded.config.provider.provider === 'existing' ? `register ${name} --instance-ip IP` : `provision ${name}`})`);
  return 0;
};

export default createEnvironment;
