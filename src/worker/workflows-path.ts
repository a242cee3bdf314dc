import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Entry file of the workflow code for the Temporal bundler (source under tsx/vitest, .js in a compiled tree). */
export const workflowsPath = (): string => {
  const base = join(__dirname, '..', 'workflows', 'index');
  return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
};
