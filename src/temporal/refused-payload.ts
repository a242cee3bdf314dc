import type { Payload, PayloadCodec } from '@temporalio/common';
import { encodingKeys, METADATA_ENCODING_KEY } from '@temporalio/common';
import { REFUSED_PAYLOAD } from '../domain/case-actions';
import { PayloadRefusedError } from './payload-codec';

/**
 * The worker's gate around the AES-GCM codec. A payload it did not encrypt (a start, signal or update from a client
 * without the key) must not reach workflow code — but throwing in the worker's decode fails the workflow task, and a
 * failed task blocks every later update of the case (FAILED_PRECONDITION) until the stranger's request expires. So
 * the worker decodes such a payload into a marker `{ "$refusedPayload": reason }` instead; the workflow interceptor
 * (src/workflows/actor-check.ts) refuses the update, drops the signal or fails the start. The decision is a pure
 * function of the payload, so a replay decides the same. Clients (the API) keep the strict codec: they throw.
 */
export class RefusingWorkerCodec implements PayloadCodec {
  constructor(private readonly inner: PayloadCodec) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.inner.encode(payloads);
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (p) => {
        try {
          return (await this.inner.decode([p]))[0]!;
        } catch (e) {
          if (!(e instanceof PayloadRefusedError)) throw e;
          return {
            metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_JSON },
            data: Buffer.from(JSON.stringify({ [REFUSED_PAYLOAD]: e.message })),
          };
        }
      }),
    );
  }
}
