import { displayPath } from '../paths.js';
import type { CommandHandler } from '../cli/context.js';
import { ERROR_CODES } from '../domain/errors.js';
import { printProblems } from '../config/format-problems.js';
import { loadConfigFile } from '../config/load.js';
import { summarize, summaryLines } from '../config/summary.js';
import { configFileArgument } from './config-file-argument.js';
import { reviewProviderChoice } from './provider-review.js';

/**
 * `validate FILE`: exit 0 with a summary of what would be deployed, or 2 with every
 * problem. With a Hetzner token it also asks the API (read only) what provision
 * would: whether the server type, location and image can be ordered, and the price.
 */
const validate: CommandHandler = async (context, input) => {
  const file = configFileArgument(input, 'validate');
  const loaded = await loadConfigFile(file, context.env);
  const shown = displayPath(file);
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  const warnings = loaded.problems.filter((problem) => problem.severity === 'warning');
  const summary = loaded.config ? summarize(loaded.config) : undefined;
  const { output } = context;
  const review = loaded.config && errors.length === 0 ? await reviewProviderChoice(loaded.config, context.env) : undefined;
  if (review?.refusal) throw review.refusal;

  const verdict = `${shown} is not valid: ${errors.length} error${errors.length === 1 ? '' : 's'}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}`;
  output.resultJson(
    {
      config_file: file,
      format: loaded.document.format,
      is_valid: summary !== undefined,
      ...(summary ?? {}),
      overrides: loaded.overrides.map((override) => override.variable),
      secrets_file: loaded.secretsFile?.path ?? null,
      errors,
      warnings,
      ...(review ? { provider_review: { checked: review.checked, cost: review.cost, cost_line: review.cost_line, warnings: review.warnings } } : {}),
    },
    summary ? 0 : ERROR_CODES['config.invalid'].exit,
  );

  printProblems(output, shown, loaded.problems);
  if (!summary) {
    output.error(verdict);
    return ERROR_CODES['config.invalid'].exit;
  }
  for (const override of loaded.overrides) output.detail(`  ${override.variable} overrides ${override.path.join('.')}`);
  if (loaded.secretsFile) output.detail(`  \${VAR} references also read ${displayPath(loaded.secretsFile.path)}`);
  for (const warning of review?.warnings ?? []) output.warn(warning);
  output.success(`${shown} is valid${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`);
  output.result(['What it deploys:', ...summaryLines(summary), ...(review ? [`  ${review.cost_line}`] : [])].join('\n'));
  return 0;
};

export default validate;
