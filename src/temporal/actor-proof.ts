import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import type { Actor, ActorProof } from '../domain/case-actions';

/** How long a signed actor is accepted after the API signed it (the update reaches the worker within milliseconds). */
export const ACTOR_PROOF_VALIDITY_MS = 5 * 60_000;

const canonical = (a: Actor, p: Omit<ActorProof, 'signature'>): string =>
  JSON.stringify(['juki-actor-v1', a.userId, [...a.roles], a.terminalId ?? null, p.issuedAt, p.update, p.workflowId]);

const mac = (key: Buffer, a: Actor, p: Omit<ActorProof, 'signature'>): string =>
  createHmac('sha256', key).update(canonical(a, p)).digest('base64');

/** The actor the API authenticated, signed for one update on one workflow (HMAC-SHA256 with the actor key). */
export function signActor(key: Buffer, actor: Actor, update: string, workflowId: string, now = new Date()): Actor {
  const { userId, roles, terminalId } = actor;
  const clean: Actor = { userId, roles: [...roles], ...(terminalId ? { terminalId } : {}) };
  const proof = { issuedAt: now.toISOString(), update, workflowId };
  return { ...clean, proof: { ...proof, signature: mac(key, clean, proof) } };
}

/** True when the proof was made with `key` over exactly these fields and is still fresh. */
export function actorProofValid(key: Buffer, actor: Actor, now = Date.now()): boolean {
  const p = actor.proof;
  if (!p || typeof p.signature !== 'string' || typeof p.issuedAt !== 'string') return false;
  if (typeof actor.userId !== 'string' || !Array.isArray(actor.roles)) return false;
  const issued = Date.parse(p.issuedAt);
  if (!Number.isFinite(issued) || issued > now + 30_000 || now - issued > ACTOR_PROOF_VALIDITY_MS) return false;
  const expected = Buffer.from(mac(key, actor, p), 'base64');
  const given = Buffer.from(p.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The API's Temporal client signs the `actor` of every update it sends (the API authenticated the staff session;
 * `executeCaseUpdate` is the one caller). A client without the actor key — the codec server, an operator's CLI —
 * can encrypt payloads but cannot make an actor the worker accepts.
 */
export function actorSigningInterceptor(key: Buffer): WorkflowClientInterceptor {
  const sign = (args: unknown[], update: string, workflowId: string): unknown[] => {
    const [first, ...rest] = args;
    if (!first || typeof first !== 'object' || !('actor' in first)) return args;
    const arg = first as { actor: Actor };
    return [{ ...arg, actor: signActor(key, arg.actor, update, workflowId) }, ...rest];
  };
  return {
    async startUpdate(input, next) {
      return next({ ...input, args: sign(input.args, input.updateName, input.workflowExecution.workflowId) });
    },
  };
}

const JSON_PLAIN = 'json/plain';

/**
 * The worker's half (after the AES-GCM codec has decrypted): in every decoded JSON object with an `actor`, the
 * worker alone sets `actor.verified` — true only when the API's signature over the actor, the update name and the
 * workflow ID checks out and is fresh; a `verified` sent by the caller is discarded. The workflow interceptor
 * (src/workflows/actor-check.ts) then refuses any update whose actor is not verified for that update on that
 * workflow, before the validator sees it. Validators do not run on replay, so an expired proof in an old history
 * changes nothing.
 */
export class ActorProofCodec implements PayloadCodec {
  constructor(private readonly key: Buffer) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.verify(p));
  }

  private verify(p: Payload): Payload {
    if (Buffer.from(p.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== JSON_PLAIN || !p.data) return p;
    const text = Buffer.from(p.data).toString('utf8');
    if (!text.includes('"actor"')) return p;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return p;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return p;
    const actor = (value as { actor?: unknown }).actor;
    if (!actor || typeof actor !== 'object') return p;
    const a = actor as Actor;
    delete a.verified;
    if (actorProofValid(this.key, a)) a.verified = true;
    return { ...p, data: Buffer.from(JSON.stringify(value)) };
  }
}
