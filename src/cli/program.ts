import { Command, CommanderError, Option } from 'commander';
import { PACKAGE } from '../package-info.js';
import { COMMANDS, type CommandSpec } from './commands.js';
import { checkOutputFormatVariable, createContext, isInteractive, isPlainTerminal, type CommandHandler, type GlobalOptions } from './context.js';
import { DeployerError } from '../domain/errors.js';
import { LOG_FORMATS } from '../output/command-log.js';
import type { Output } from '../output/console.js';
import { endOutput, reportError } from '../output/report-error.js';

export const VERSION = PACKAGE.version;

const increase = (_value: string, previous: number) => previous + 1;

const EXAMPLES = `
Examples:
  ttd                                  the wizard (in a terminal): a few questions, then deploy
  ttd init --non-interactive --yes --name demo --provider lxd
                                       write envs/demo.toml with the recommended settings
  ttd validate envs/demo.toml          check a config and see what it deploys
  ttd deploy envs/demo.toml --dry-run  every step and command deploy would run, nothing changed
  ttd deploy envs/demo.toml            provision, configure, release, run and test it
  ttd status demo                      services, health and tracker numbers
  ttd destroy demo --yes               remove the server and everything made for it`;

/**
 * Builds the program from the command table; nothing heavy is imported until a command runs.
 * With `only`, the one top-level command the arguments name is built, not the other ~30 with
 * all their options: what that command parses and prints is the same, and start-up is shorter.
 */
export function buildProgram(run: (handler: () => Promise<{ default: CommandHandler }>, command: Command) => Promise<void>, only?: string): Command {
  const program = new Command('torrust-tracker-deployer')
    .description('Deploy a Torrust BitTorrent tracker to a server you own: wizard, deploy, status.\nRun with no arguments in a terminal to start the wizard.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('-v, --verbose', 'more detail: -v steps, -vv command output, -vvv everything (stack traces in the log file)', increase, 0)
    .option('-q, --quiet', 'only errors and results')
    .option('--json', 'machine output: one JSON document on stdout, nothing else there')
    .addOption(new Option('-o, --output-format <format>', 'result format (the Rust deployer\'s flag)').choices(['json', 'text']))
    .option('--dry-run', 'print what would be done and change nothing anywhere')
    .option('--non-interactive', 'never prompt; a missing answer is an error naming the flag to pass')
    .option('--working-dir <dir>', 'where data/ and envs/ live (default: the current directory)')
    .option('--no-color', 'no colours (NO_COLOR works too)')
    .option('--log-dir <dir>', 'where log files go (default: data/<env>/logs, or data/logs for a command on no environment)')
    .addOption(new Option('--log-output <where>', 'file-and-stderr: the log\'s lines on stderr too').choices(['file-only', 'file-and-stderr']).default('file-only'))
    .addOption(new Option('--log-file-format <format>', 'the log file\'s format').choices(LOG_FORMATS).default('compact'))
    .addOption(new Option('--log-stderr-format <format>', 'the format of the log\'s lines on stderr').choices(LOG_FORMATS).default('pretty'))
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES)
    .exitOverride();

  for (const spec of COMMANDS) if (only === undefined || spec.name === only) program.addCommand(buildCommand(spec, run));
  return program;
}

function buildCommand(spec: CommandSpec, run: (handler: () => Promise<{ default: CommandHandler }>, command: Command) => Promise<void>): Command {
  const command = new Command(spec.name).description(spec.states ? `${spec.summary}\nState: ${spec.states}` : spec.summary).summary(spec.summary);
  command.configureHelp({ showGlobalOptions: true }).showSuggestionAfterError(true).showHelpAfterError('(run with --help for usage)').exitOverride();
  for (const argument of spec.arguments ?? []) {
    command.argument(argument.required ? `<${argument.name}>` : `[${argument.name}]`, argument.description);
  }
  for (const optionSpec of spec.options ?? []) {
    const option = new Option(optionSpec.flags, optionSpec.description);
    if (optionSpec.choices) option.choices(optionSpec.choices);
    if (optionSpec.defaultValue !== undefined) option.default(optionSpec.defaultValue);
    if (optionSpec.hidden) option.hideHelp();
    command.addOption(option);
  }
  for (const subcommand of spec.subcommands ?? []) command.addCommand(buildCommand(subcommand, run));
  const load = spec.load;
  if (load) command.action(async (...params: unknown[]) => run(load, params[params.length - 1] as Command));
  return command;
}

/** Whether the arguments are the program's own options and their values, and nothing else (no command, no --help or --version). */
function onlyGlobalOptions(program: Command, userArgs: readonly string[]): boolean {
  for (let index = 0; index < userArgs.length; index++) {
    const arg = userArgs[index]!;
    const [flag] = arg.split('=');
    if (/^-v+$/.test(arg)) continue;
    const option = program.options.find((candidate) => candidate.long === flag || candidate.short === flag);
    if (!option || option.long === '--help' || option.long === '--version') return false;
    if ((option.required || option.optional) && !arg.includes('=')) index += 1;
  }
  return true;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const userArgs = argv.slice(2);
  // Until a command is parsed, what is printed follows the raw arguments (parsing may fail first).
  const typed = commandTyped(userArgs);
  let output = createContext({ verbose: 0, color: !userArgs.includes('--no-color'), ...formatFlags(userArgs) }, typed, env).output;
  let exitCode = 0;
  // No command named (help, the wizard, an unknown command): every command, for the list and the suggestions.
  const program = buildProgram(async (load, command) => {
    const context = createContext(command.optsWithGlobals() as unknown as GlobalOptions, commandPath(command), env);
    output = context.output;
    const args = Object.fromEntries(command.registeredArguments.map((argument, index) => [argument.name(), command.processedArgs[index] as string | undefined]));
    const handler = (await load()).default;
    exitCode = (await handler(context, { command: context.output.command, args, options: command.opts() })) ?? 0;
  }, commandNamedFirst(userArgs));
  routeCommanderOutput(program, () => output);

  try {
    checkOutputFormatVariable(env);
    if (userArgs.length === 0 || onlyGlobalOptions(program, userArgs)) {
      if (!isInteractive({}, env) && !isPlainTerminal({}, env)) {
        output.result(program.helpInformation());
        return 0;
      }
      // `ttd --no-color` or `ttd -v` is still "no command": the wizard, with those options.
      await program.parseAsync([...argv.slice(0, 2), ...userArgs, 'init']);
    } else {
      await program.parseAsync(argv);
    }
    endOutput(output, exitCode);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      // Commander has printed its message on stderr; --json gets it as the result line too.
      output.resultJson({ error: new DeployerError('usage.invalid', error.message.replace(/^error: /, ''), { fix: 'run the command with --help to see its arguments and flags' }).toJSON() }, 2);
      return 2;
    }
    return reportError(output, error);
  } finally {
    output.log.close();
  }
}

/** Commander's help and its error messages go through the reporter too, on every (sub)command. */
function routeCommanderOutput(command: Command, output: () => Output): void {
  command.configureOutput({
    writeOut: (text) => {
      const shown = text.replace(/\n$/, '');
      if (output().json) output().resultJson({ text: shown });
      else output().result(shown);
    },
    writeErr: (text) => output().progress(text.replace(/\n$/, '')),
  });
  for (const subcommand of command.commands) routeCommanderOutput(subcommand, output);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** The command the raw arguments name, as far as the command table knows it ('' when none). */
function commandTyped(args: readonly string[]): string {
  const names: string[] = [];
  let specs: readonly CommandSpec[] = COMMANDS;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const spec = specs.find((candidate) => candidate.name === arg);
    if (!spec && names.length === 0) continue; // the value of a global option (-o json)
    if (!spec) break;
    names.push(spec.name);
    specs = spec.subcommands ?? [];
  }
  return names.join(' ');
}

/**
 * The top-level command the arguments run, when only options (and their values) stand before its
 * name. Not when --help or --version comes first: then the program itself answers, listing every command.
 */
function commandNamedFirst(args: readonly string[]): string | undefined {
  const index = args.findIndex((arg) => COMMANDS.some((spec) => spec.name === arg));
  const optionsOnly = args.slice(0, Math.max(index, 0)).every((arg, at, before) => (arg.startsWith('-') && !/^(--help|--version|-[a-zA-Z]*[hV][a-zA-Z]*)$/.test(arg)) || (before[at - 1]?.startsWith('-') === true && !before[at - 1]!.includes('=')));
  return index >= 0 && optionsOnly ? args[index] : undefined;
}

/** The output flags in the raw arguments (parsing may fail before options are known). */
function formatFlags(args: readonly string[]): Pick<GlobalOptions, 'json' | 'outputFormat'> {
  if (args.includes('--json')) return { json: true };
  for (const [index, arg] of args.entries()) {
    const value = arg.startsWith('--output-format=') ? arg.slice('--output-format='.length) : arg.startsWith('-o') && arg.length > 2 ? arg.slice(2) : arg === '-o' || arg === '--output-format' ? args[index + 1] : undefined;
    if (value === 'json' || value === 'text') return { outputFormat: value };
  }
  return {};
}
