# Image for the worker, the API and the migration job of docker-compose.yml (the distributed topology).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node npx prisma generate
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "api/main.ts"]
