/** Workflow IDs, one helper per kind (architecture conventions). Importable from workflows and from the API. */
export const moveInWorkflowId = (caseId: string): string => `move-in/${caseId}`;
