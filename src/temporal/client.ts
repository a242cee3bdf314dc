import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import { keyBytes, type AppConfig } from '../config';
import { ActorProofCodec, actorSigningInterceptor } from './actor-proof';
import { AesGcmPayloadCodec } from './payload-codec';
import { RefusingWorkerCodec } from './refused-payload';

/** Failures' messages and stack traces go into an encoded (so encrypted) payload: failure-converter.cjs. */
export const FAILURE_CONVERTER_PATH = join(__dirname, 'failure-converter.cjs');

/** The client's data converter (also what decodes recorded histories): AES-GCM payloads, encoded failures. */
export const dataConverterFor = (config: Pick<AppConfig, 'keys'>) => ({
  payloadCodecs: [
    new AesGcmPayloadCodec(keyBytes(config.keys.payloadCodec), (config.keys.retiredPayloadCodec ?? []).map(keyBytes)),
  ],
  failureConverterPath: FAILURE_CONVERTER_PATH,
});

/**
 * The worker's: the same, but a payload it did not encrypt becomes a refusal marker instead of a failed workflow
 * task (refused-payload.ts), and after decryption the API's actor signature is checked (codecs decode in reverse
 * order: AES-GCM first, then the actor check; actor-proof.ts).
 */
export const workerDataConverterFor = (config: Pick<AppConfig, 'keys'>) => ({
  payloadCodecs: [
    new ActorProofCodec(keyBytes(config.keys.actorSigning)),
    new RefusingWorkerCodec(
      new AesGcmPayloadCodec(keyBytes(config.keys.payloadCodec), (config.keys.retiredPayloadCodec ?? []).map(keyBytes)),
    ),
  ],
  failureConverterPath: FAILURE_CONVERTER_PATH,
});

/** The client interceptors of the API's client: the actor of every update signed (actor-proof.ts). */
export const clientInterceptorsFor = (config: Pick<AppConfig, 'keys'>) => ({
  workflow: [actorSigningInterceptor(keyBytes(config.keys.actorSigning))],
});

/** The mutual-TLS options of a connection to the Temporal frontend (client and worker), when configured. */
export function temporalTlsOf(config: Pick<AppConfig, 'temporalTls'>) {
  const t = config.temporalTls;
  if (!t) return {};
  return {
    tls: {
      serverNameOverride: t.serverName,
      serverRootCACertificate: readFileSync(t.caFile),
      clientCertPair: { crt: readFileSync(t.certFile), key: readFileSync(t.keyFile) },
    },
  };
}

/** A Temporal client with the encrypting payload codec and the actor signature (the API and scripts use this). */
export async function createTemporalClient(
  config: Pick<AppConfig, 'temporalAddress' | 'temporalNamespace' | 'keys' | 'temporalTls'>,
): Promise<Client> {
  return temporalClientOn(
    await Connection.connect({ address: config.temporalAddress, ...temporalTlsOf(config) }),
    config,
  );
}

/** A client on a connection the caller owns (the worker's own `NativeConnection`: one connection per process). */
export function temporalClientOn(
  connection: ConnectionLike,
  config: Pick<AppConfig, 'temporalNamespace' | 'keys' | 'temporalTls'>,
): Client {
  return new Client({
    connection,
    namespace: config.temporalNamespace,
    dataConverter: dataConverterFor(config),
    interceptors: clientInterceptorsFor(config),
  });
}
