import type { CommandHandler } from '../cli/context.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { dataRoot, listEnvironmentNames, readEnvironmentRecord } from '../state/store.js';

interface Row {
  readonly name: string;
  readonly state: string;
  readonly provider: string;
  readonly address: string | null;
  readonly created_at: string;
}

/** `list`: every environment under data/, sorted by name. Never takes a lock. */
const list: CommandHandler = async (context) => {
  const rows: Row[] = [];
  const failed: { name: string; error: string }[] = [];
  for (const name of await listEnvironmentNames(context.workingDir)) {
    try {
      const record = await readEnvironmentRecord(context.workingDir, name);
      if (record) rows.push(rowOf(record));
    } catch (error) {
      failed.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const directory = dataRoot(context.workingDir);
  context.output.resultJson({ environments: rows, total_count: rows.length, failed_environments: failed, data_directory: directory });
  if (rows.length === 0 && failed.length === 0) {
    context.output.result(`No environments found in ${directory}\nCreate one: ttd create environment --env-file envs/my-tracker.toml (or ttd deploy envs/my-tracker.toml)`);
    return 0;
  }
  const table = [['NAME', 'STATE', 'PROVIDER', 'ADDRESS', 'CREATED'], ...rows.map((row) => [row.name, row.state, row.provider, row.address ?? '-', row.created_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')])];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  const lines = table.map((cells) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  for (const { name, error } of failed) lines.push(`${name}  (unreadable: ${error})`);
  context.output.result(lines.join('\n'));
  return 0;
};

function rowOf(record: EnvironmentRecord): Row {
  const provider = record.config.snapshot['provider'];
  const providerName = typeof provider === 'object' && provider !== null ? String((provider as Record<string, unknown>)['provider'] ?? '?') : '?';
  return { name: record.name, state: record.state, provider: providerName, address: record.instance.address ?? null, created_at: record.created_at };
}

export default list;
