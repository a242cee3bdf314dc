'use strict';
// Failures with their message and stack trace moved into an encoded payload (`encodeCommonAttributes`), so the
// payload codec encrypts them like any other payload: an error text never reaches Temporal's history in clear.
// Loaded by path (`failureConverterPath`) in the client, the worker and the workflow bundle — plain CommonJS, because
// the Temporal SDK `require`s it outside any TypeScript loader (src/temporal/client.ts: FAILURE_CONVERTER_PATH).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
