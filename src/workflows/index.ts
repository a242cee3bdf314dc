export { moveInWorkflow } from './move-in';
