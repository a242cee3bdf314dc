# One image for the API and the worker (same code, different command; see docker-compose.yml and README "Operations").
# Build stage: the whole tree with the dev dependencies and the compilers; `npm run build` makes dist/ (compiled
# JavaScript, the prebuilt workflow bundle, static files, reference data, fonts).
FROM node:24-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY templates ./templates
COPY scripts ./scripts
RUN npm run build
# the production dependencies alone, compiled here (better-sqlite3) so the runtime stage needs no compiler
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Runtime stage: dist/ and the production node_modules only — no tsx, no TypeScript, no compilers, no sources.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /src/package.json /src/package-lock.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
# the code is root's and read-only to the service user
USER node
EXPOSE 3000
# both roles: a worker's heartbeat file, else the API's /api/health (scripts/healthcheck.ts)
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/scripts/healthcheck.js"]
CMD ["node", "dist/src/api/main.js"]
