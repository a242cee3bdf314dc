import type { TestProject } from 'vitest/node';
import { workflowBundleOnce } from './workflow-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundle: string;
  }
}

/** One workflow bundle for every worker of the run (test/support/workflow-bundle.ts). */
export default async function setup(project: TestProject) {
  project.provide('workflowBundle', await workflowBundleOnce());
}
