export { moveInWorkflow } from './move-in';
export { moveOutWorkflow } from './move-out';
export { heldCertificateWorkflow } from './held-certificate';
export { specialMoveInWorkflow } from './special-move-in';
export { certificateReissueWorkflow } from './certificate-reissue';
export { onlineMoveOutWorkflow } from './online-move-out';
export { residentRecordCopyWorkflow } from './resident-record-copy';
