/**
 * The workflows of the shared frame that belong to no procedure. The worker bundles these with every procedure's
 * `workflow.ts` listed in the procedure table (src/worker/workflow-entry.ts builds the bundle's entry from it).
 */
export { certificateReissueWorkflow } from './certificate-reissue';
export { deliveryAddressWorkflow, individualNumberWorkflow } from './individual-number';
