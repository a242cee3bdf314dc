/**
 * What `npm start` seeds (issue 14 item 7): the demo staff and the town of さくら市 go only into the embedded default
 * database (no DATABASE_URL) or when asked with `--demo`; never in production. Any other database gets no demo users:
 * its first security administrator comes from `npm run admin:create` (README "Staff users").
 */
export type StartSeedPlan = { demo: boolean; reason: string } | { refused: string };

export function startSeedPlan(o: { argv: readonly string[]; env: NodeJS.ProcessEnv }): StartSeedPlan {
  const asked = o.argv.includes('--demo');
  if (o.env.NODE_ENV === 'production') {
    if (asked)
      return {
        refused:
          'npm start --demo is refused in production mode (NODE_ENV=production): demo users and a demo town never go into a production database. Create the first security administrator with `npm run admin:create`.',
      };
    return { demo: false, reason: 'production: no demo data' };
  }
  if (asked) return { demo: true, reason: '--demo' };
  if (!o.env.DATABASE_URL) return { demo: true, reason: 'the embedded default database' };
  return { demo: false, reason: 'DATABASE_URL is set and --demo was not given' };
}
