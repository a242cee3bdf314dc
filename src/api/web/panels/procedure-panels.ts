import { Procedure } from '../../../domain/case-status';
import { heldCertificatePanel } from './held-certificate-panel';
import { moveInPanel } from './move-in-panel';
import { moveOutPanel } from './move-out-panel';
import { onlineMoveOutPanel } from './online-move-out-panel';
import type { ProcedurePanel } from './panel-types';
import { specialMoveInPanel } from './special-move-in-panel';

/**
 * Detail panels per procedure. A procedure without an entry is still shown completely (generic facts, flags,
 * timeline, documents, actions); adding a procedure to the UI means adding one panel here.
 */
export const procedurePanels: Partial<Record<string, ProcedurePanel>> = {
  [Procedure.MOVE_IN]: moveInPanel,
  [Procedure.MOVE_OUT]: moveOutPanel,
  [Procedure.ONLINE_MOVE_OUT]: onlineMoveOutPanel,
  [Procedure.SPECIAL_MOVE_IN]: specialMoveInPanel,
  [Procedure.HELD_MOVE_OUT_CERTIFICATE]: heldCertificatePanel,
};

export const panelFor = (procedure: string): ProcedurePanel => procedurePanels[procedure] ?? {};
