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
USER node
CMD ["node", "node_modules/.bin/tsx", "src/api/main.ts"]
