import type { TestProject } from 'vitest/node';
import { createDemoTownTemplate, dropDatabase } from './demo-town-template';

/** The e2e layer's demo town, seeded once for all its files (after integration-global-setup provided MariaDB). */
export default async function setup(project: TestProject) {
  const mariadbUrl = project.getProvidedContext().mariadbUrl;
  const template = await createDemoTownTemplate(mariadbUrl);
  project.provide('demoTownTemplate', template);
  return async () => dropDatabase(mariadbUrl, template.database);
}
