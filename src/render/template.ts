import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { TEMPLATES_DIR } from '../paths.js';

const compiled = new Map<string, ejs.TemplateFunction>();

/** Renders templates/render/<name>.ejs. Templates are compiled once and only read package files. */
export function renderTemplate(name: string, data: Record<string, unknown>): string {
  let template = compiled.get(name);
  if (template === undefined) {
    const path = join(TEMPLATES_DIR, 'render', `${name}.ejs`);
    template = ejs.compile(readFileSync(path, 'utf8'), { filename: path, strict: true, localsName: 'it' });
    compiled.set(name, template);
  }
  return template(data);
}
