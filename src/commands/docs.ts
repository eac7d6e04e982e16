import type { Command, Option } from 'commander';
import type { CommandHandler } from '../cli/context.js';
import { COMMANDS, notImplemented, type CommandSpec } from '../cli/commands.js';
import { buildProgram, VERSION } from '../cli/program.js';
import { PROBLEM_CODES } from '../config/problems.js';
import { ERROR_CODES } from '../domain/errors.js';
import { printOrWriteDocument } from './write-file.js';

/** `docs [PATH]`: the whole CLI as JSON, for agents and tools that cannot read prose. */
const docs: CommandHandler = async (context, input) =>
  printOrWriteDocument(context, describeCli(), input.args['path'], { force: true, resultKey: 'docs_file' });

export function describeCli(): Record<string, unknown> {
  const program = buildProgram(async () => undefined);
  return {
    name: program.name(),
    aliases: ['ttd'],
    version: VERSION,
    global_options: program.options.filter((option) => !option.hidden).map(describeOption),
    commands: COMMANDS.map((spec) => describeCommand(spec, program.commands.find((command) => command.name() === spec.name))),
    exit_codes: { 0: 'success', 1: 'the operation failed', 2: 'bad usage or an invalid config' },
    error_codes: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { exit, summary }]) => [code, { exit, summary }])),
    config_problem_codes: PROBLEM_CODES,
  };
}

function describeCommand(spec: CommandSpec, command: Command | undefined): Record<string, unknown> {
  return {
    name: spec.name,
    summary: spec.summary,
    ...(spec.states ? { states: spec.states } : {}),
    arguments: (spec.arguments ?? []).map((argument) => ({ name: argument.name, description: argument.description, required: argument.required === true })),
    options: (command?.options ?? []).map(describeOption),
    ...(spec.subcommands ? { subcommands: spec.subcommands.map((sub) => describeCommand(sub, command?.commands.find((candidate) => candidate.name() === sub.name))) } : {}),
    implemented: spec.load !== undefined && spec.load !== notImplemented,
  };
}

function describeOption(option: Option): Record<string, unknown> {
  return {
    flags: option.flags,
    description: option.description,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
    ...(option.defaultValue !== undefined ? { default: option.defaultValue } : {}),
    takes_value: option.required || option.optional,
  };
}

export default docs;
