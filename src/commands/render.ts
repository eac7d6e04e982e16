import { isIP } from 'node:net';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { displayPath } from '../paths.js';
import type { CommandContext, CommandHandler, CommandInput } from '../cli/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { renderArtifacts, type Artifacts } from '../render/render.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { configFileArgument } from './config-file-argument.js';
import { loadValidConfig } from './load-valid-config.js';

/**
 * `render FILE|--env-name NAME --output-dir DIR [--instance-ip IP] [--force]`: every artifact,
 * written to DIR and nowhere else. With --env-name the config is the one recorded for the
 * environment (any state: nothing is changed), and the address defaults to the recorded one.
 */
const render: CommandHandler = async (context, input) => {
  const outputDirOption = input.options['outputDir'] as string | undefined;
  if (!outputDirOption) throw new DeployerError('usage.invalid', 'No output directory given', { fix: 'pass one: ttd render FILE --output-dir build/my-tracker' });
  const source = await renderSource(context, input);
  const instanceIp = (input.options['instanceIp'] as string | undefined) ?? source.address;
  if (instanceIp !== undefined && isIP(instanceIp) === 0) {
    throw new DeployerError('usage.invalid', `--instance-ip '${instanceIp}' is not an IP address`, { where: '--instance-ip', fix: 'pass an IPv4 or IPv6 address, for example --instance-ip 203.0.113.10' });
  }
  const force = input.options['force'] === true;
  const outputDir = resolve(outputDirOption);
  const shownDir = displayPath(outputDir);

  const { config, file } = source;
  const warnings: string[] = [...source.warnings];
  const publicKeyPath = config.ssh_credentials.public_key_path;
  const sshPublicKey = await readFile(publicKeyPath, 'utf8').catch(() => {
    warnings.push(`cloud-init.yml has a placeholder instead of the SSH public key: ${publicKeyPath} cannot be read`);
    return undefined;
  });

  const acmeCaRootPath = config.https?.acme_ca_root;
  const acmeCaRoot = acmeCaRootPath === undefined ? undefined : await readFile(acmeCaRootPath, 'utf8').catch(() => {
    warnings.push(`storage/caddy/etc/acme-ca-root.pem has a placeholder instead of the certificate: ${acmeCaRootPath} cannot be read`);
    return undefined;
  });

  const resticKeyPath = config.backup?.remote?.ssh_private_key_path;
  const resticSshKey = resticKeyPath === undefined ? undefined : await readFile(resticKeyPath, 'utf8').catch(() => {
    warnings.push(`etc/torrust/restic/ssh_key has a placeholder instead of the key: ${resticKeyPath} cannot be read`);
    return undefined;
  });

  const artifacts = renderArtifacts(config, { instanceIp, sshPublicKey, acmeCaRoot, resticSshKey });
  const existing = await existingFiles(outputDir);
  if (existing.length > 0 && !force) {
    throw new DeployerError('file.exists', `${shownDir} is not empty (${existing.length} file${existing.length === 1 ? '' : 's'})`, {
      where: shownDir,
      fix: 'pass --force to write into it, or choose an empty or new directory',
    });
  }
  const untouched = existing.filter((path) => !artifacts.has(path));
  if (untouched.length > 0) warnings.push(`${untouched.length} file${untouched.length === 1 ? '' : 's'} in ${shownDir} not part of this render ${untouched.length === 1 ? 'was' : 'were'} left as ${untouched.length === 1 ? 'it is' : 'they are'}: ${untouched.join(', ')}`);

  if (!context.dryRun) await writeArtifacts(outputDir, artifacts);
  report(context, { file, outputDir, environment: config.environment.name, artifacts, warnings, untouched });
  return 0;
};

interface RenderSource {
  readonly config: EnvironmentConfig;
  /** The config file, or the one the environment was created from. */
  readonly file: string;
  readonly address?: string;
  readonly warnings: readonly string[];
}

async function renderSource(context: CommandContext, input: CommandInput): Promise<RenderSource> {
  const name = input.options['envName'] as string | undefined;
  if (name === undefined) {
    const file = configFileArgument(input, 'render');
    return { file, config: (await loadValidConfig(context, file, { connects: false })).config, warnings: [] };
  }
  if (input.args['file'] !== undefined || input.options['envFile'] !== undefined) {
    throw new DeployerError('usage.invalid', 'Both a config file and --env-name given', { fix: `pass one: ttd render --env-name ${name} --output-dir DIR, or ttd render FILE --output-dir DIR` });
  }
  const record = await requireEnvironmentRecord(context.workingDir, name);
  const { config, secrets, unsetVariables } = configFromRecord(record, context.env);
  context.output.addSecrets(secrets);
  return {
    config,
    file: record.config.source_file,
    ...(record.instance.address === undefined ? {} : { address: record.instance.address }),
    warnings: unsetVariables.map((variable) => `\${${variable}} is not set here: the files hold a placeholder where the environment's config uses it`),
  };
}

async function existingFiles(directory: string): Promise<string[]> {
  const info = await stat(directory).catch(() => undefined);
  if (info === undefined) return [];
  if (!info.isDirectory()) {
    throw new DeployerError('file.exists', `${displayPath(directory)} exists and is not a directory`, { where: displayPath(directory), fix: 'choose a directory path for --output-dir' });
  }
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

async function writeArtifacts(outputDir: string, artifacts: Artifacts): Promise<void> {
  for (const [path, artifact] of artifacts) {
    const target = join(outputDir, ...path.split('/'));
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, artifact.content, { mode: artifact.mode });
      await chmod(target, artifact.mode);
    } catch (error) {
      throw new DeployerError('io.write_failed', `Cannot write ${displayPath(target)}: ${(error as Error).message}`, { where: displayPath(target), fix: 'check that the output directory is writable' });
    }
  }
}

interface Rendered {
  readonly file: string;
  readonly outputDir: string;
  readonly environment: string;
  readonly artifacts: Artifacts;
  readonly warnings: readonly string[];
  readonly untouched: readonly string[];
}

function report(context: CommandContext, rendered: Rendered): void {
  const { output, dryRun } = context;
  const files = [...rendered.artifacts].map(([path, artifact]) => ({
    path,
    bytes: Buffer.byteLength(artifact.content),
    mode: artifact.mode.toString(8).padStart(4, '0'),
    secret: artifact.mode === 0o600,
    host_path: artifact.host?.path ?? null,
  }));
  output.resultJson({ config_file: rendered.file, output_dir: rendered.outputDir, environment_name: rendered.environment, dry_run: dryRun, files, untouched: rendered.untouched, warnings: rendered.warnings });
  for (const warning of rendered.warnings) output.warn(warning);
  const shownDir = displayPath(rendered.outputDir);
  if (dryRun) output.info(`Dry run: would write ${files.length} files for "${rendered.environment}" into ${shownDir}`);
  else output.success(`Rendered ${files.length} files for "${rendered.environment}" into ${shownDir}`);
  const width = Math.max(...files.map((entry) => String(entry.bytes).length));
  output.result(
    files
      .map((entry) => `${entry.mode}  ${String(entry.bytes).padStart(width)}  ${join(shownDir, entry.path)}${entry.secret ? '  (secrets)' : ''}`)
      .join('\n'),
  );
}

export default render;
