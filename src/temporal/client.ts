import { Client, Connection } from '@temporalio/client';
import { keyBytes, type AppConfig } from '../config';
import { AesGcmPayloadCodec } from './payload-codec';

export const dataConverterFor = (config: Pick<AppConfig, 'keys'>) => ({
  payloadCodecs: [
    new AesGcmPayloadCodec(keyBytes(config.keys.payloadCodec), (config.keys.retiredPayloadCodec ?? []).map(keyBytes)),
  ],
});

/** A Temporal client with the encrypting payload codec (the API and scripts use this, never a bare client). */
export async function createTemporalClient(
  config: Pick<AppConfig, 'temporalAddress' | 'temporalNamespace' | 'keys'>,
): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporalAddress });
  return new Client({ connection, namespace: config.temporalNamespace, dataConverter: dataConverterFor(config) });
}
