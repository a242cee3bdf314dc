import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { ChangeReason } from '../../src/domain/change-reason';
import { createJlisInbound } from '../../src/api/jlis-inbound-router';
import { IndividualNumberRequest, Resident, ResidentCodePoolEntry, ResidentHistory } from '../../src/db/entities';
import { addResidentCodes } from '../../src/db/resident-code-pool';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { approveUpdate } from '../../src/workflows/approval';
import {
  APPROVER,
  CLERK,
  foreignMover,
  moveInApplication,
  randomIndividualNumber,
  randomResidentRecordCode,
} from '../support/fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

/**
 * 国外転入 of a person who never lived in Japan (domain spec §4.1 step 4.2 and 4.5, §7.2): the 住民票コード comes
 * from the CS pool, the 本人確認情報 goes to the CS without a 個人番号, and the case then waits in the shared
 * generation sub-flow (`generateIndividualNumbers`, patch `move-in-generates-individual-numbers`) until J-LIS's number
 * is recorded and its update sent.
 */
let h: WorkflowHarness;
const pool = Array.from({ length: 3 }, randomResidentRecordCode);

beforeAll(async () => {
  h = await startWorkflowHarness();
  await addResidentCodes(h.orm.em.fork(), 'test-batch', pool);
});
afterEach(async (t) => h?.diagnose(t));
afterAll(async () => h?.close());

const arrival = () =>
  moveInApplication({
    movers: [foreignMover({ residentRecordCode: undefined, individualNumber: undefined }) as never],
    fromAbroad: true,
    previousAddress: 'アメリカ合衆国カリフォルニア州',
    previousMunicipalityCode: undefined,
    moveOutCertificate: undefined,
    identityDocument: { type: 'passport' },
  });

describe('国外転入 without a 個人番号 (time-skipping)', () => {
  it('draws a 住民票コード, sends the 本人確認情報, and waits until J-LIS’s number is recorded and sent', async () => {
    const r = await intakeMoveIn(h.api, { ...CLERK, ip: '127.0.0.1' }, arrival(), randomUUID());
    const caseId = r.caseId;
    const handle = h.env.client.workflow.getHandle(moveInWorkflowId(caseId));
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });

    // the sub-flow asked J-LIS for a number for the code the pool supplied, after the 本人確認情報 went out
    const request = await eventually(async () =>
      h.cards.numberRequests.find((q) => q.idempotencyKey.includes(`-${caseId}-`)),
    );
    const em = h.orm.em.fork();
    const resident = await em.findOneOrFail(Resident, { processId: caseId });
    expect(pool).toContain(resident.residentRecordCode);
    expect(request.residentRecordCode).toBe(resident.residentRecordCode);
    expect(resident.individualNumberEnc ?? undefined).toBeUndefined();
    expect(resident.isForeignResident).toBe(true);
    expect(await em.findOneOrFail(ResidentCodePoolEntry, { code: resident.residentRecordCode! })).toMatchObject({
      usedByCaseId: caseId,
    });
    const updates = () => h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(`-${caseId}-`));
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.identity).toMatchObject({
      residentRecordCode: resident.residentRecordCode,
      changeReason: expect.any(String),
    });
    expect(updates()[0]!.identity).not.toHaveProperty('individualNumber');

    // the case waits durably: a day and a half without an answer (past the 1-day limit: a console task) ...
    await h.idle();
    await h.env.sleep('36 hours');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await h.orm.em.fork().findOneOrFail(IndividualNumberRequest, { caseId })).toMatchObject({
      attentionReason: 'NO_ANSWER',
    });

    // ... until J-LIS answers on the inbound endpoint (stored, then the person's sub-flow is signalled)
    const number = randomIndividualNumber();
    await createJlisInbound(h.api).individualNumberAnswer({
      answerId: `JLIS-ANS-${randomUUID()}`,
      municipalityCode: h.config.municipalityCode,
      requestKey: request.idempotencyKey,
      residentRecordCode: resident.residentRecordCode,
      individualNumber: number,
      generatedAt: new Date().toISOString(),
    });

    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    const after = await h.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: resident.addresseeNumber });
    expect(h.pii.decrypt(after.individualNumberEnc!)).toBe(number);
    const history = await h.orm.em
      .fork()
      .find(ResidentHistory, { addresseeNumber: resident.addresseeNumber }, { orderBy: { historyNumber: 'asc' } });
    expect(history.map((x) => x.changeReason)).toEqual([
      ChangeReason.MOVE_IN_FROM_ABROAD,
      ChangeReason.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD,
    ]);
    expect(updates()).toHaveLength(2);
    expect(updates()[1]!.identity.individualNumber).toBe(number);
    expect(updates()[1]!.sequenceNumber).toBe(updates()[0]!.sequenceNumber + 1);
  });
});
