import { isRecord } from './schema-walk.js';
import type { KeyPath, PendingProblem } from './problems.js';

export interface Interpolated {
  readonly data: unknown;
  /** Paths whose value came, wholly or partly, from an environment variable: never echo them. */
  readonly fromEnvironment: KeyPath[];
  readonly problems: PendingProblem[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A value that is nothing but ${VAR} or ${VAR:-default}: how a user asks for the environment. */
export const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * The config text for a value a user typed (wizard, `init` flags, MCP answers):
 * it loads back exactly as typed, because every ${ is written $${. Only a whole
 * ${VAR} or ${VAR:-default} stays a reference, as the wizard documents.
 */
export function asTypedInConfig(value: string): string {
  return WHOLE_REFERENCE.test(value) ? value : value.replaceAll('${', () => '$${');
}

/** Resolves ${VAR} and ${VAR:-default} in every string; $${ is a literal ${. */
export function interpolate(data: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const fromEnvironment: KeyPath[] = [];
  const problems: PendingProblem[] = [];

  const resolveString = (text: string, path: KeyPath): string => {
    let touched = false;
    const result = text.replace(REFERENCE, (match: string, body: string | undefined) => {
      if (match === '$${') return '${';
      touched = true;
      if (!match.endsWith('}')) {
        problems.push({ severity: 'error', code: 'config.invalid_reference', path, message: 'a ${ reference is not closed with }', fix: 'write ${VAR} or ${VAR:-default}; use $${ for a literal ${' });
        return match;
      }
      const [name = '', fallback] = splitDefault(body ?? '');
      if (!NAME.test(name)) {
        problems.push({ severity: 'error', code: 'config.invalid_reference', path, message: `'\${${body}}' is not a valid variable reference`, fix: 'variable names hold letters, digits and _ and do not start with a digit: ${VAR} or ${VAR:-default}' });
        return match;
      }
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      problems.push({ severity: 'error', code: 'config.env_var_unset', path, message: `environment variable ${name} is not set`, fix: `export ${name}=... before running, or put ${name}='...' in the .secrets file beside the config, or write \${${name}:-default} to give a default` });
      return '';
    });
    if (touched) fromEnvironment.push(path);
    return result;
  };

  const walk = (node: unknown, path: KeyPath): unknown => {
    if (typeof node === 'string') return resolveString(node, path);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value, [...path, key])]));
    return node;
  };

  return { data: walk(data, []), fromEnvironment, problems };
}

function splitDefault(body: string): [string, string | undefined] {
  const index = body.indexOf(':-');
  return index === -1 ? [body, undefined] : [body.slice(0, index), body.slice(index + 2)];
}
