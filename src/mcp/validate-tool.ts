import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ConfigFormat } from '../config/document.js';
import { loadConfigText } from '../config/load.js';
import { summarize } from '../config/summary.js';
import { DeployerError } from '../domain/errors.js';
import { toolError, toolResult } from './results.js';
import { runCommand, type CommandRequest, type ServerScope } from './run-command.js';

const INLINE = '(inline text)';
/** The cap on a config file, for the text given instead of one: one call cannot keep the server busy. */
const MAX_INLINE_CONFIG_BYTES = 10 * 1024 * 1024;

export const VALIDATE_TEXT = {
  text: z.string().optional().describe('the config itself, instead of a path; relative paths in it resolve against the working directory, and its ${VAR} come from the environment only (a path also reads the .secrets file beside it)'),
  format: z.enum(['toml', 'json']).optional().describe('format of `text` (default: json when it starts with "{", else toml)'),
};

/** validate: a file through the command, or the text itself checked in memory. */
export async function validate(scope: ServerScope, request: CommandRequest, values: Readonly<Record<string, unknown>>): Promise<CallToolResult> {
  const text = values['text'] as string | undefined;
  const file = request.args?.['file'];
  if ((file === undefined) === (text === undefined)) {
    throw new DeployerError('usage.invalid', 'Give either path or text, not both and not neither', { where: 'validate', fix: 'pass path: "envs/my-tracker.toml", or text with the config itself' });
  }
  if (text === undefined) return validateFile(scope, file!);
  const format = values['format'] as ConfigFormat | undefined;
  return validateText(scope, text, format ?? (text.trimStart().startsWith('{') ? 'json' : 'toml'));
}

async function validateFile(scope: ServerScope, file: string): Promise<CallToolResult> {
  const run = await runCommand(scope, { command: 'validate', args: { file } });
  if (run.error) return toolError(run.error);
  return validation(run.records[0] ?? {}, file);
}

/** The text itself, checked in memory as `validate` checks a file; "(inline text)" stands for the file in every message. */
function validateText(scope: ServerScope, text: string, format: ConfigFormat): CallToolResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_INLINE_CONFIG_BYTES) {
    throw new DeployerError('usage.invalid', `text is ${bytes} bytes; a config is at most ${MAX_INLINE_CONFIG_BYTES} bytes (10 MiB)`, {
      where: 'validate text',
      fix: 'pass the environment config itself (a few kilobytes), or its file as path',
      data: { bytes, limit: MAX_INLINE_CONFIG_BYTES },
    });
  }
  const loaded = loadConfigText(text, format, INLINE, scope.workingDir, scope.env);
  const summary = loaded.config ? summarize(loaded.config) : undefined;
  const problems = (severity: string) => loaded.problems.filter((problem) => problem.severity === severity);
  return validation(
    { config_file: INLINE, format, is_valid: summary !== undefined, ...(summary ?? {}), overrides: loaded.overrides.map((override) => override.variable), errors: problems('error'), warnings: problems('warning') },
    INLINE,
  );
}

/** validate's document as the tool's result, or config.invalid carrying its problems. */
function validation(document: Record<string, unknown>, where: string): CallToolResult {
  if (document['is_valid'] === true) return toolResult(document);
  const errors = (document['errors'] as unknown[] | undefined) ?? [];
  return toolError(
    new DeployerError('config.invalid', `${where} is not valid: ${errors.length} error${errors.length === 1 ? '' : 's'}`, {
      where,
      fix: 'fix each problem in errors (its path, message and fix), then validate again',
      data: { errors, warnings: document['warnings'] ?? [] },
    }).toJSON(),
  );
}
