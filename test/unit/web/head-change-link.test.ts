import { describe, expect, it } from 'vitest';
import { findingsSection, headChangeAction } from '../../../src/api/web/pages/case-sections';
import type { WebContext } from '../../../src/api/web/web-context';
import type { CaseView } from '../../../src/api/case-service';
import { evaluateMoveOut, type MoveOutRecord } from '../../../src/procedures/move-out/rules';

const ctx = (roles: string[]) =>
  ({
    staff: { userId: 'u', roles, terminalId: 'T' },
    csrf: 'csrf-token',
    token: 't',
    now: new Date(),
    path: '/',
  }) as unknown as WebContext;
const view = { caseId: 'OM-1', flags: ['HEAD_CHANGE_REQUIRED'] } as unknown as CaseView;

/** Issue 14 (Why): 「先に世帯主変更が必要です」 offered no way to file one; now it links to the 世帯変更 form of the household. */
describe('the 「先に世帯主変更が必要です」 finding', () => {
  it('carries, for a clerk, a POST to the 世帯変更 form of that household with 世帯主変更 preselected', () => {
    const actions = headChangeAction(view, [], { householdNumber: '0000094' }, ctx(['clerk']));
    const page = String(findingsSection(view, [], actions));
    expect(page).toContain('先に世帯主変更の届出が必要です');
    expect(page).toContain('action="/intake/household-change/start"');
    expect(page).toContain('name="householdNumber" value="0000094"');
    expect(page).toContain('name="kind" value="headChange"');
    expect(page).toContain('name="_csrf" value="csrf-token"');
    // not for a role that cannot file, not without the household, not without the finding
    expect(headChangeAction(view, [], { householdNumber: '0000094' }, ctx(['approver']))).toEqual({});
    expect(headChangeAction(view, [], {}, ctx(['clerk']))).toEqual({});
    expect(headChangeAction({ flags: [] }, [], { householdNumber: '0000094' }, ctx(['clerk']))).toEqual({});
    // the online 転出's own finding (rule on the stored findings) works the same
    expect(
      headChangeAction(
        { flags: [] },
        [{ rule: 'HEAD_CHANGE_REQUIRED' }],
        { householdNumber: '0000094' },
        ctx(['clerk']),
      ),
    ).toHaveProperty('HEAD_CHANGE_REQUIRED');
  });

  it('a 世帯主 who is the only member of the household moves out with no 世帯主変更 and no refusal', () => {
    const head: MoveOutRecord = {
      addresseeNumber: '0000019',
      familyName: '山田',
      givenName: '太郎',
      birthDate: '1985-06-15',
      sex: '1',
      status: 'RESIDENT',
      householdNumber: '0000094',
      relationshipToHead: '世帯主',
      becameResidentDate: '2020-04-01',
    };
    const r = evaluateMoveOut(
      {
        movers: [
          {
            addresseeNumber: head.addresseeNumber,
            familyName: '山田',
            givenName: '太郎',
            birthDate: '1985-06-15',
            sex: '1',
          },
        ],
        destination: { address: '大阪府大阪市北区中之島一丁目3番20号', municipalityCode: '271004' },
        plannedMoveOutDate: '2026-12-20',
        path: 'paper',
        cardHolderPresent: false,
        notifier: { kind: 'self' },
        identityDocument: { type: 'driversLicence' },
      } as never,
      {
        today: '2026-12-07',
        municipalityCode: '132250',
        deadlines: { lateMoveOutDays: 14 } as never,
        records: [head],
        householdMembers: [head],
        inOpenMoveOut: new Set(),
      },
    );
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.stored.headChange).toBeUndefined();
  });
});
