import { CreateUserSchema, PasswordChangeSchema, RolesSchema, ValiditySchema } from './staff-admin-service';

/** OpenAPI paths of staff administration (issue 14 item 7; merged into openapi.ts): security administrator only. */
const json = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const userParam = { name: 'userId', in: 'path', required: true, schema: { type: 'string' } };
const user = { description: 'the user', content: json({ $ref: '#/components/schemas/StaffUser' }) };
const refusals = {
  401: err('not logged in'),
  403: err('FORBIDDEN (not a security administrator) / SELF_CHANGE (their own account); audited'),
  404: err('NOT_FOUND'),
};
const oneTime = {
  description: 'the one-time password, returned once; the user must change it at the next login',
  content: json({
    type: 'object',
    properties: {
      userId: { type: 'string' },
      initialPassword: { type: 'string' },
      mustChangePassword: { const: true },
    },
  }),
};
const change = (summary: string, body?: object) => ({
  post: {
    summary,
    parameters: [userParam],
    ...(body ? { requestBody: { required: true, content: json(body) } } : {}),
    responses: { 200: user, ...(body ? { 400: err('VALIDATION_FAILED (field and rule named)') } : {}), ...refusals },
  },
});

export const adminSchemas = {
  CreateStaffUser: CreateUserSchema,
  StaffUserRoles: RolesSchema,
  StaffUserValidity: ValiditySchema,
  PasswordChange: PasswordChangeSchema,
  StaffUser: {
    type: 'object',
    properties: {
      userId: { type: 'string' },
      displayName: { type: 'string' },
      roles: { type: 'array', items: { type: 'string' } },
      validFrom: { type: 'string', format: 'date' },
      validUntil: { type: 'string', format: 'date' },
      state: { enum: ['ACTIVE', 'LOCKED', 'SUSPENDED', 'EXPIRED', 'NOT_YET_VALID'] },
      lockedUntil: { type: 'string', format: 'date-time' },
      mustChangePassword: { type: 'boolean' },
      lastLoginAt: { type: 'string', format: 'date-time' },
    },
  },
};

export const adminPaths = {
  '/api/auth/password': {
    post: {
      summary: "Change one's own password (current, new twice; ≥ 12 characters, no user ID); other sessions end",
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/PasswordChange' }) },
      responses: {
        204: { description: 'changed' },
        400: err('VALIDATION_FAILED: the wrong current password, the policy or the confirmation named by field'),
        401: err('not logged in'),
      },
    },
  },
  '/api/admin/users': {
    get: {
      summary: 'Staff users with their state (automatic lock, administrator lock, validity)',
      responses: {
        200: {
          description: 'the users',
          content: json({ type: 'array', items: { $ref: '#/components/schemas/StaffUser' } }),
        },
        ...refusals,
      },
    },
    post: {
      summary: 'Create a staff user with a one-time password (shown once)',
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/CreateStaffUser' }) },
      responses: { 201: oneTime, 400: err('VALIDATION_FAILED'), 409: err('USER_EXISTS'), ...refusals },
    },
  },
  '/api/admin/users/{userId}': {
    get: {
      summary: 'One user: state, failed logins since the last login, authenticator bindings, pending resets',
      parameters: [userParam],
      responses: { 200: user, ...refusals },
    },
  },
  '/api/admin/users/{userId}/roles': change('Replace the roles (not one’s own)', {
    $ref: '#/components/schemas/StaffUserRoles',
  }),
  '/api/admin/users/{userId}/validity': change('Set the validity days (JST; either may be absent)', {
    $ref: '#/components/schemas/StaffUserValidity',
  }),
  '/api/admin/users/{userId}/lock': change('Lock (suspend) the user until unlocked; their sessions end'),
  '/api/admin/users/{userId}/unlock': change('Unlock: ends an administrator lock and a running automatic lock'),
  '/api/admin/users/{userId}/password-resets': {
    post: {
      summary: 'Ask for a password reset (another administrator approves)',
      parameters: [userParam],
      responses: { 201: { description: 'the pending reset' }, 409: err('RESET_PENDING'), ...refusals },
    },
  },
  '/api/admin/password-resets': {
    get: { summary: 'Pending password resets', responses: { 200: { description: 'the resets' }, ...refusals } },
  },
  '/api/admin/password-resets/{resetId}/approve': {
    post: {
      summary: 'Approve a reset (neither the requester nor the user): a one-time password, sessions of the user end',
      parameters: [{ name: 'resetId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: oneTime, 409: err('NOT_PENDING'), ...refusals, 403: err('FORBIDDEN / FOUR_EYES; audited') },
    },
  },
  '/api/admin/terminals': {
    get: {
      summary: 'Terminals with the users whose authenticator is bound to each (register / retire: /api/staff-auth)',
      responses: { 200: { description: 'the terminals' }, ...refusals },
    },
  },
};
