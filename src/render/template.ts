import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { TEMPLATES_DIR } from '../paths.js';
import { headerText, type PendingHeader } from './header.js';

const compiled = new Map<string, ejs.TemplateFunction>();

/** A template's path in the repository, as rendered headers name it. */
export function templateSource(name: string): string {
  return `templates/render/${name}.ejs`;
}

/**
 * Renders templates/render/<name>.ejs. Templates are compiled once and only read package files.
 * `data.header` becomes the file's header comment naming this template, so every template that
 * prints `it.header` carries it.
 */
export function renderTemplate(name: string, data: Record<string, unknown> & { readonly header: PendingHeader }): string {
  let template = compiled.get(name);
  if (template === undefined) {
    const path = join(TEMPLATES_DIR, 'render', `${name}.ejs`);
    template = ejs.compile(readFileSync(path, 'utf8'), { filename: path, strict: true, localsName: 'it' });
    compiled.set(name, template);
  }
  return template({ ...data, header: headerText(data.header, templateSource(name)) });
}
