/**
 * HTTP implementation of the CardAgency port (contract: card-agency-messages.ts; simulator: card-agency-simulator.ts).
 *
 *  POST {baseUrl}/jlis/v1/continued-use   body ContinuedUseRequest
 *  POST {baseUrl}/jlis/v1/card-events     body CardEvent
 *  POST {baseUrl}/jlis/v1/individual-number-requests  body IndividualNumberRequestMessage
 *  POST {baseUrl}/jlis/v1/delivery-address-info       body DeliveryAddressInfoMessage
 *  headers: Authorization: Bearer <token>, Idempotency-Key: <body.idempotencyKey>, Content-Type: application/json
 *
 * Mapping (shared with the CS client, http-port-client.ts): 2xx + valid ack → CardAgencyAck; 408/425/429/5xx,
 * network error, timeout, or a malformed 2xx → CardAgencyUnavailableError (retry with the same key is safe); any
 * other 4xx → CardAgencyRejectedError (permanent) with the body's code, or `HTTP_<status>`. With `validateOutgoing`
 * (default true) an invalid message is refused locally with INVALID_MESSAGE and never leaves the process.
 */
import { compileSchema } from '../domain/ajv';
import { CardAgencyRejectedError, CardAgencyUnavailableError, type CardAgency } from './card-agency';
import {
  CardAgencyAckSchema,
  CardEventSchema,
  ContinuedUseRequestSchema,
  type CardAgencyAck,
  type CardEvent,
  type ContinuedUseRequest,
} from './card-agency-messages';
import {
  DeliveryAddressInfoMessageSchema,
  IndividualNumberRequestMessageSchema,
  type DeliveryAddressInfoMessage,
  type IndividualNumberRequestMessage,
} from './jlis-number-messages';
import { HttpPortClient, type HttpPortClientOptions, type PortErrorFactory } from './http-port-client';

export type CardAgencyHttpClientOptions = HttpPortClientOptions;

export const JLIS_PATHS = {
  CONTINUED_USE: '/jlis/v1/continued-use',
  CARD_EVENTS: '/jlis/v1/card-events',
  INDIVIDUAL_NUMBER_REQUESTS: '/jlis/v1/individual-number-requests',
  DELIVERY_ADDRESS_INFO: '/jlis/v1/delivery-address-info',
} as const;

const JLIS_ERRORS: PortErrorFactory = {
  partner: 'J-LIS',
  rejected: (code, opts) => new CardAgencyRejectedError(code, opts),
  unavailable: (message, opts) => new CardAgencyUnavailableError(message, opts),
};

const ack = compileSchema<CardAgencyAck>(CardAgencyAckSchema);
const continuedUse = { message: compileSchema<ContinuedUseRequest>(ContinuedUseRequestSchema), ack };
const cardEvent = { message: compileSchema<CardEvent>(CardEventSchema), ack };
const numberRequest = {
  message: compileSchema<IndividualNumberRequestMessage>(IndividualNumberRequestMessageSchema),
  ack,
};
const deliveryAddress = { message: compileSchema<DeliveryAddressInfoMessage>(DeliveryAddressInfoMessageSchema), ack };

export class CardAgencyHttpClient implements CardAgency {
  private readonly http: HttpPortClient;

  constructor(opts: CardAgencyHttpClientOptions) {
    this.http = new HttpPortClient(opts, JLIS_ERRORS);
  }

  requestContinuedUse(r: ContinuedUseRequest): Promise<CardAgencyAck> {
    return this.http.send(JLIS_PATHS.CONTINUED_USE, r, continuedUse);
  }

  reportCardEvent(e: CardEvent): Promise<CardAgencyAck> {
    return this.http.send(JLIS_PATHS.CARD_EVENTS, e, cardEvent);
  }

  requestIndividualNumber(r: IndividualNumberRequestMessage): Promise<CardAgencyAck> {
    return this.http.send(JLIS_PATHS.INDIVIDUAL_NUMBER_REQUESTS, r, numberRequest);
  }

  sendDeliveryAddressInfo(m: DeliveryAddressInfoMessage): Promise<CardAgencyAck> {
    return this.http.send(JLIS_PATHS.DELIVERY_ADDRESS_INFO, m, deliveryAddress);
  }
}
