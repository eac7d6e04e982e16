/** Where a command's time went, for its summary: `Took 93.4 s: provision 20.1 s, configure 35.0 s, ...`. */
export function durationsLine(durations: readonly { readonly stage: string; readonly seconds: number }[]): string {
  const total = durations.reduce((sum, { seconds }) => sum + seconds, 0);
  return `Took ${seconds(total)}: ${durations.map(({ stage, seconds: took }) => `${stage} ${seconds(took)}`).join(', ')}`;
}

function seconds(value: number): string {
  return `${value.toFixed(1)} s`;
}
