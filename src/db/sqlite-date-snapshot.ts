import {
  helper,
  type EntityMetadata,
  type EventArgs,
  type EventSubscriber,
  type FlushEventArgs,
} from '@mikro-orm/core';

/**
 * SQLite only (MikroORM 7.2): dates are stored as epoch milliseconds, and the change set of a flush compares the
 * entity's dates as numbers — but the snapshot of a row loaded by a query keeps them as Date objects, so every date
 * column of every loaded row counted as changed: a flush wrote them back (`updated_at` moved although nothing had
 * changed) and a 転入 ran about ten needless UPDATEs (issue 15 item 4). This puts the loaded snapshot's dates into
 * the number form the comparison uses. MariaDB / MySQL keep Date on both sides and need nothing. A row loaded again
 * by a second query (merged into the managed entity, without `onLoad`) gets a fresh snapshot with Date objects too:
 * every flush first normalises the snapshots of the entities it will compare.
 */
export class SqliteDateSnapshotSubscriber implements EventSubscriber {
  onLoad(args: EventArgs<object>): void {
    normalise(args.entity, args.meta);
  }

  beforeFlush(args: FlushEventArgs): void {
    for (const entity of args.uow.getIdentityMap()) normalise(entity, helper(entity).__meta);
  }
}

function normalise(entity: object, meta: EntityMetadata<object>): void {
  const snapshot = helper(entity).__originalEntityData as Record<string, unknown> | undefined;
  if (!snapshot) return;
  for (const prop of meta.props)
    if (prop.runtimeType === 'Date' && snapshot[prop.name] instanceof Date)
      snapshot[prop.name] = (snapshot[prop.name] as Date).getTime();
}
