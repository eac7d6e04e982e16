import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { ArgumentSpec, CommandSpec, OptionSpec } from '../cli/commands.js';

/** One input of a tool, derived from an argument or option of the command table. */
export interface ToolField {
  /** The tool's name for it (snake_case). */
  readonly property: string;
  readonly schema: z.ZodType;
  readonly kind: 'argument' | 'option';
  /** Its key in the command's input: the argument's name, or the option as commander names it (camelCase). */
  readonly key: string;
  /** The tool's value as the command takes it from commander. */
  readonly toCommand: (value: unknown, workingDir: string) => unknown;
}

export interface FieldRules {
  readonly rename?: Readonly<Record<string, string>>;
  readonly withheld?: Readonly<Record<string, string>>;
  readonly defaults?: Readonly<Record<string, unknown>>;
}

/** Placeholders whose values are whole numbers, with their bounds. */
const NUMBERS: Readonly<Record<string, { readonly min: number; readonly max?: number }>> = {
  seconds: { min: 0 },
  port: { min: 1, max: 65535 },
  lines: { min: 1, max: 1000 },
};
const PATHS = new Set(['file', 'dir', 'path']);

export function toolFields(spec: CommandSpec, rules: FieldRules): ToolField[] {
  return [...(spec.arguments ?? []).map((argument) => argumentField(argument, rules)), ...(spec.options ?? []).flatMap((option) => optionField(option, rules))];
}

function argumentField(argument: ArgumentSpec, rules: FieldRules): ToolField {
  const text = z.string().min(1).describe(argument.description);
  return {
    property: propertyOf(argument.name, rules),
    schema: argument.required ? text : text.optional(),
    kind: 'argument',
    key: argument.name,
    toCommand: (value, workingDir) =>
      typeof value !== 'string' ? value
      : argument.name === 'env-or-file' ? configFileOrName(workingDir, value)
      : PATHS.has(argument.name) ? pathIn(workingDir, value)
      : value,
  };
}

function optionField(option: OptionSpec, rules: FieldRules): ToolField[] {
  const [, long = '', placeholder] = /--([a-z0-9-]+)(?:\s+[<[]([a-z-]+)[>\]])?/.exec(option.flags) ?? [];
  if (option.hidden || long in (rules.withheld ?? {})) return [];
  const property = propertyOf(long, rules);
  const fallback = rules.defaults?.[property] ?? option.defaultValue;
  const number = placeholder === undefined ? undefined : NUMBERS[placeholder];
  let schema: z.ZodType;
  if (placeholder === undefined) schema = z.boolean();
  else if (number) schema = number.max === undefined ? z.number().int().min(number.min) : z.number().int().min(number.min).max(number.max);
  else if (option.choices) schema = z.enum(option.choices as [string, ...string[]]);
  else schema = z.string().min(1);
  schema = (fallback === undefined ? (placeholder === undefined ? schema.default(false) : schema.optional()) : schema.default(fallback)).describe(option.description);
  return [
    {
      property,
      schema,
      kind: 'option',
      key: long.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()),
      toCommand: (value, workingDir) =>
        typeof value === 'number' ? String(value)
        : typeof value === 'string' && placeholder !== undefined && PATHS.has(placeholder) ? pathIn(workingDir, value)
        : value,
    },
  ];
}

function propertyOf(name: string, rules: FieldRules): string {
  return rules.rename?.[name] ?? name.replace(/-/g, '_');
}

/** A path from the agent: ~/ is the home directory, a relative path is inside the working directory. */
function pathIn(workingDir: string, path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(workingDir, path);
}

/** ENV-or-FILE: a config file (resolved in the working directory) or an environment name (as it is). */
function configFileOrName(workingDir: string, target: string): string {
  if (/[\\/]/.test(target) || /\.(toml|json)$/i.test(target)) return pathIn(workingDir, target);
  const candidate = resolve(workingDir, target);
  return existsSync(candidate) && statSync(candidate).isFile() ? candidate : target;
}
