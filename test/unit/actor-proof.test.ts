import { randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ActorProofCodec, actorProofValid, signActor } from '../../src/temporal/actor-proof';
import { AesGcmPayloadCodec, PayloadRefusedError } from '../../src/temporal/payload-codec';

// issue 13 item 1: the API's signature over the actor, and the codec's refusal of what it did not encrypt
describe('actor proof', () => {
  const key = randomBytes(32);
  const actor = { userId: 'approver1', roles: ['approver'], terminalId: 'T-HONCHO-01' };
  const json = (v: unknown): Payload => ({
    metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') },
    data: Buffer.from(JSON.stringify(v)),
  });
  const decoded = async (codec: ActorProofCodec, v: unknown) =>
    JSON.parse(Buffer.from((await codec.decode([json(v)]))[0]!.data!).toString('utf8'));

  it('verifies a fresh signature and nothing else: another key, a changed role, an old proof', () => {
    const signed = signActor(key, actor, 'approve', 'move-in/MI-1');
    expect(actorProofValid(key, signed)).toBe(true);
    expect(actorProofValid(randomBytes(32), signed)).toBe(false);
    expect(actorProofValid(key, { ...signed, roles: ['approver', 'supervisor'] })).toBe(false);
    expect(actorProofValid(key, { ...signed, userId: 'approver2' })).toBe(false);
    expect(actorProofValid(key, signed, Date.now() + 6 * 60_000)).toBe(false);
    expect(actorProofValid(key, actor)).toBe(false);
  });

  it("the worker's codec sets verified only for a valid proof and discards a caller's own flag", async () => {
    const codec = new ActorProofCodec(key);
    const signed = signActor(key, actor, 'approve', 'move-in/MI-1');
    expect((await decoded(codec, { actor: signed })).actor.verified).toBe(true);
    expect((await decoded(codec, { actor: { ...actor, verified: true } })).actor.verified).toBeUndefined();
    const forged = signActor(randomBytes(32), actor, 'approve', 'move-in/MI-1');
    expect((await decoded(codec, { actor: { ...forged, verified: true } })).actor.verified).toBeUndefined();
  });

  it('the payload codec refuses a payload it did not encrypt, and one of another key', async () => {
    const codec = new AesGcmPayloadCodec(randomBytes(32));
    await expect(codec.decode([json({ actor })])).rejects.toBeInstanceOf(PayloadRefusedError);
    const other = await new AesGcmPayloadCodec(randomBytes(32)).encode([json({ actor })]);
    await expect(codec.decode(other)).rejects.toThrow(/unknown key/);
    const mine = await codec.encode([json({ a: 1 })]);
    expect(JSON.parse(Buffer.from((await codec.decode(mine))[0]!.data!).toString())).toEqual({ a: 1 });
  });
});
