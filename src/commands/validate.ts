import { displayPath } from '../paths.js';
import type { CommandHandler } from '../cli/context.js';
import { ERROR_CODES } from '../domain/errors.js';
import { printProblems } from '../config/format-problems.js';
import { loadConfigFile } from '../config/load.js';
import { summarize, summaryLines } from '../config/summary.js';
import { configFileArgument } from './config-file-argument.js';

/** `validate FILE`: exit 0 with a summary of what would be deployed, or 2 with every problem. */
const validate: CommandHandler = async (context, input) => {
  const file = configFileArgument(input, 'validate');
  const loaded = await loadConfigFile(file, context.env);
  const shown = displayPath(file);
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  const warnings = loaded.problems.filter((problem) => problem.severity === 'warning');
  const summary = loaded.config ? summarize(loaded.config) : undefined;
  const { output } = context;

  const verdict = `${shown} is not valid: ${errors.length} error${errors.length === 1 ? '' : 's'}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}`;
  output.resultJson(
    {
      config_file: file,
      format: loaded.document.format,
      is_valid: summary !== undefined,
      ...(summary ?? {}),
      overrides: loaded.overrides.map((override) => override.variable),
      errors,
      warnings,
    },
    summary ? 0 : ERROR_CODES['config.invalid'].exit,
  );

  printProblems(output, shown, loaded.problems);
  if (!summary) {
    output.error(verdict);
    return ERROR_CODES['config.invalid'].exit;
  }
  for (const override of loaded.overrides) output.detail(`  ${override.variable} overrides ${override.path.join('.')}`);
  output.success(`${shown} is valid${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`);
  output.result(['What it deploys:', ...summaryLines(summary)].join('\n'));
  return 0;
};

export default validate;
