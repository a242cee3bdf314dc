import { describe, expect, it } from 'vitest';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import { ResidentStatus } from '../../src/domain/registry-values';
import { evaluateMoveIn } from '../../src/procedures/move-in/rules';
import { evaluateMoveOut, type MoveOutRecord } from '../../src/procedures/move-out/rules';
import type { MoveOutApplication } from '../../src/procedures/move-out/schema';
import { moveInApplication, moveInFacts, today } from '../support/fixtures';

// domain spec §4 common rule 5 (seed 004 L2545–2546): a proxy files with ID and a 委任状; the 本人 and a member of
// the same household need none
const notifiers = [
  [{ kind: 'self' }, []],
  [{ kind: 'householdMember' }, []],
  [{ kind: 'proxy', powerOfAttorney: true }, []],
  [{ kind: 'proxy', powerOfAttorney: false }, [['/notifier/powerOfAttorney', 'required']]],
  [{ kind: 'proxy' }, [['/notifier/powerOfAttorney', 'required']]],
] as const;
const proxyErrors = (errors: Array<{ field: string; rule: string }>) =>
  errors.filter((e) => e.field.startsWith('/notifier')).map((e) => [e.field, e.rule]);

describe('a proxy filing needs the 委任状', () => {
  it.each(notifiers)('転入届 by %j', (notifier, expected) => {
    const { errors } = evaluateMoveIn(moveInApplication({ notifier, certificateRequest: undefined }), moveInFacts());
    expect(proxyErrors(errors)).toEqual(expected);
    if (expected.length)
      expect(errors.find((e) => e.field === '/notifier/powerOfAttorney')?.message).toContain('委任状');
  });

  it.each(notifiers)('転出届 by %j', (notifier, expected) => {
    const record: MoveOutRecord = {
      addresseeNumber: '0000019',
      familyName: '山田',
      givenName: '太郎',
      birthDate: '1985-06-15',
      sex: '1',
      status: ResidentStatus.RESIDENT,
      householdNumber: '1000019',
      relationshipToHead: '世帯主',
      becameResidentDate: '2000-01-01',
    };
    const app: MoveOutApplication = {
      movers: [
        { addresseeNumber: '0000019', familyName: '山田', givenName: '太郎', birthDate: '1985-06-15', sex: '1' },
      ],
      destination: { address: '神奈川県相模原市', municipalityCode: '141500' },
      plannedMoveOutDate: today(),
      path: 'paper',
      notifier,
      identityDocument: { type: 'driversLicence' },
    };
    const { errors } = evaluateMoveOut(app, {
      today: today(),
      municipalityCode: '139998',
      deadlines: DEFAULT_MOVE_RULES,
      records: [record],
      householdMembers: [{ addresseeNumber: '0000019', householdNumber: '1000019', status: ResidentStatus.RESIDENT }],
      inOpenMoveOut: new Set(),
    });
    expect(proxyErrors(errors)).toEqual(expected);
  });
});
