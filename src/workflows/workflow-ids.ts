/** Workflow IDs, one helper per kind (architecture conventions). Importable from workflows and from the API. */
export const moveInWorkflowId = (caseId: string): string => `move-in/${caseId}`;
export const moveOutWorkflowId = (caseId: string): string => `move-out/${caseId}`;
export const specialMoveInWorkflowId = (caseId: string): string => `special-move-in/${caseId}`;
export const heldCertificateWorkflowId = (heldId: string): string => `held-move-out-certificate/${heldId}`;
export const certificateReissueWorkflowId = (certificateId: string, requestId: string): string =>
  `certificate-reissue/${certificateId}/${requestId}`;
export const onlineMoveOutWorkflowId = (applicationId: string): string => `online-move-out/${applicationId}`;
export const residentRecordCopyWorkflowId = (requestId: string): string => `resident-record-copy/${requestId}`;
