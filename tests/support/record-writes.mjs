// Preloaded with --import after record-imports.mjs: records each write to stdout and stderr into
// $TTD_IMPORT_LOG as "write: <its start>", so a test can see what was on the terminal before which module loaded.
import { appendFileSync } from 'node:fs';

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (process.env.TTD_IMPORT_LOG) appendFileSync(process.env.TTD_IMPORT_LOG, `write: ${JSON.stringify(String(chunk).slice(0, 80))}\n`);
    return write(chunk, ...rest);
  };
}
