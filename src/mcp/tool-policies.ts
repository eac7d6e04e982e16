/**
 * What the command table cannot say about a command as an MCP tool: whether it
 * is one, whether it offers a dry run (and its default), whether a real run
 * needs the user's confirmation, which options a tool call cannot take, and
 * what its result looks like. Keyed by command path; a command of the table
 * missing here fails tests/mcp/tools-from-commands.test.ts.
 */
export type ToolPolicy =
  | { readonly notATool: string }
  | {
      /** Offered as dry_run, with this default; absent: the command changes nothing. */
      readonly dryRun?: boolean;
      /** A real run needs confirm: true (and passes --yes). */
      readonly confirm?: true;
      readonly readOnly?: true;
      /** document: the one JSON document the command prints. events: {command, dry_run, plan?, events, result}, with progress. */
      readonly shape: 'document' | 'events';
      /** Argument or option (long name) → the tool's name for it, where it reads better or older tools used it. */
      readonly rename?: Readonly<Record<string, string>>;
      /** Options (long name) a tool call cannot take, each with why. */
      readonly withheld?: Readonly<Record<string, string>>;
      /** Defaults for the tool that the CLI leaves unset (bounds that keep a call short). */
      readonly defaults?: Readonly<Record<string, unknown>>;
      /** What an agent should know beyond the command's summary. */
      readonly note?: string;
    };

const NO_YES = { yes: 'confirm: true is the tool\'s --yes' };
const ENV_FILE_ALIAS = { 'env-file': 'the same as the file argument (path)' };
const LOCK_WAIT = { 'lock-wait': 'lock_wait_seconds' };

export const TOOL_POLICIES: Readonly<Record<string, ToolPolicy>> = {
  init: { notATool: 'the interactive wizard: the questionnaire_* tools ask its questions and write the same envs/<name>.toml' },
  validate: {
    shape: 'document',
    readOnly: true,
    rename: { file: 'path' },
    withheld: ENV_FILE_ALIAS,
    note: 'Give path, or the TOML/JSON text itself as text (at most 10 MiB, checked in memory and named "(inline text)"). An invalid config comes back as error config.invalid with every problem (code, path, line, message, fix).',
  },
  render: {
    shape: 'document',
    rename: { file: 'path' },
    withheld: ENV_FILE_ALIAS,
    note: 'Without output_dir nothing is written and the file list (paths, sizes, modes) comes back; with it the files are written there.',
  },
  'create environment': { shape: 'document', dryRun: false, rename: { 'env-file': 'path' } },
  'create template': { shape: 'document', dryRun: false },
  'create schema': { notATool: 'served as the resource ttd://schema/environment.json' },
  provision: { shape: 'events', dryRun: false, rename: LOCK_WAIT },
  register: { shape: 'events', dryRun: false, rename: LOCK_WAIT },
  configure: { shape: 'events', dryRun: false, rename: LOCK_WAIT },
  release: { shape: 'events', dryRun: false, rename: LOCK_WAIT },
  run: { shape: 'events', dryRun: false, rename: LOCK_WAIT },
  test: { shape: 'events', dryRun: false, readOnly: true },
  deploy: {
    shape: 'events',
    dryRun: true,
    rename: { 'env-or-file': 'target', ...LOCK_WAIT },
    note: 'target is an environment name or a config file (which creates the environment). Only with the user\'s go-ahead call it with dry_run: false: it creates servers (Hetzner servers cost money).',
  },
  show: { shape: 'document', readOnly: true, withheld: { reveal: 'secrets never go to an agent: they stay redacted' } },
  list: { shape: 'document', readOnly: true },
  exists: { shape: 'document', readOnly: true },
  status: { shape: 'document', readOnly: true, withheld: { watch: 'a tool call returns one snapshot; call it again to refresh' }, note: 'A snapshot; summary says healthy or not.' },
  logs: {
    shape: 'events',
    readOnly: true,
    withheld: { follow: 'a tool call returns: it cannot stream until Ctrl-C' },
    defaults: { tail: 100 },
    note: 'The last tail lines of each container (at most 1000), as {"type":"log"} events.',
  },
  destroy: { shape: 'events', dryRun: true, confirm: true, withheld: NO_YES, rename: LOCK_WAIT },
  purge: { shape: 'events', dryRun: true, confirm: true, withheld: NO_YES, rename: LOCK_WAIT },
  backup: { shape: 'events', dryRun: false, rename: LOCK_WAIT },
  'backup list': { shape: 'document', readOnly: true },
  'backup verify': { shape: 'events', dryRun: false, rename: LOCK_WAIT, note: 'Reads the whole repository index and a tenth of the data back; it changes nothing.' },
  restore: { shape: 'events', dryRun: true, confirm: true, withheld: NO_YES, rename: LOCK_WAIT, note: 'It stops the tracker while it swaps the data; run backup first when in doubt. from_repository restores the newest off-host backup onto a freshly deployed environment (disaster recovery).' },
  upgrade: { shape: 'events', dryRun: true, confirm: true, rename: { 'env-or-file': 'target', ...LOCK_WAIT } },
  'skills install': { notATool: 'writes into the agent host\'s own configuration (.claude/skills), which the user decides; a connected agent reads the skills as resources (ttd://skills/<name>/SKILL.md)' },
  mcp: { notATool: 'the MCP server itself' },
  docs: { notATool: 'served as the resource ttd://cli.json' },
};
