# Image for the API and the worker (same code, different command). See docker-compose.yml.
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --omit=dev
COPY src ./src
COPY templates ./templates
COPY scripts/db ./scripts/db
COPY tsconfig.json ./
# the worker writes the bundle entry of the procedure table's workflows there (src/worker/workflow-entry.ts)
RUN mkdir -p node_modules/.cache && chown node node_modules/.cache
USER node
CMD ["node", "node_modules/.bin/tsx", "src/api/main.ts"]
