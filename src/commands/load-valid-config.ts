import { displayPath } from '../paths.js';
import type { CommandContext } from '../cli/context.js';
import { printProblems } from '../config/format-problems.js';
import { loadConfigFile, type LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';

export type ValidConfig = LoadedConfig & { readonly config: EnvironmentConfig };

/**
 * Loads a config for a command that acts on it: warnings are shown, errors stop
 * the command with exit 2. With `connects`, warnings that block a connection
 * (a missing key file, a missing API token) are errors too.
 */
export async function loadValidConfig(context: CommandContext, file: string, options: { connects: boolean }): Promise<ValidConfig> {
  const loaded = await loadConfigFile(file, context.env);
  const shown = displayPath(file);
  const problems = loaded.problems.map((problem) =>
    options.connects && problem.blocksConnect ? { ...problem, severity: 'error' as const } : problem,
  );
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (!context.json) printProblems(context.output, shown, problems);
  if (errors.length > 0 || !loaded.config) {
    throw new DeployerError('config.invalid', `${shown} is not valid: ${errors.length} error${errors.length === 1 ? '' : 's'}`, {
      where: shown,
      fix: `fix the problems listed above, then check with: ttd validate ${shown}`,
      data: { errors, warnings: problems.filter((problem) => problem.severity === 'warning') },
    });
  }
  return { ...loaded, config: loaded.config };
}
