import { parseConfigText, type ConfigFormat } from '../../src/config/document.js';
import { validateConfigDocument, type LoadedConfig } from '../../src/config/load.js';

/** Validates config text in memory, as `validate` does after reading the file. */
export function validateText(text: string, format: ConfigFormat, env: NodeJS.ProcessEnv = {}, path = `/configs/test.${format}`): LoadedConfig {
  return validateConfigDocument({ path, format, text, data: parseConfigText(path, format, text) }, env);
}

export function validateObject(data: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): LoadedConfig {
  return validateText(JSON.stringify(data, null, 2), 'json', env);
}

export function errorsOf(loaded: LoadedConfig) {
  return loaded.problems.filter((problem) => problem.severity === 'error');
}

export function warningsOf(loaded: LoadedConfig) {
  return loaded.problems.filter((problem) => problem.severity === 'warning');
}
