// One list of records kept in a `conf` file under one key: list, get, upsert, remove. The server,
// app and job stores are this plus their own rules.
import type Conf from 'conf';
import { SkiffError } from '../../../src-shared/errors';

export class RecordList<T extends { id: string }, K extends string = string> {
  constructor(
    private readonly file: Conf<Record<K, T[]>>,
    private readonly key: K,
    /** What NOT_FOUND says, e.g. "That server no longer exists." */
    private readonly notFound: string,
  ) {}

  all(): T[] {
    return this.file.get(this.key);
  }

  get(id: string): T {
    const found = this.all().find((x) => x.id === id);
    if (!found) throw new SkiffError('NOT_FOUND', { message: this.notFound });
    return found;
  }

  /** Replaces the record with the same id, or appends it; keeps only the last `keepLast` when given. */
  upsert(item: T, keepLast?: number): T {
    const list = this.all();
    const i = list.findIndex((x) => x.id === item.id);
    if (i >= 0) list[i] = item;
    else list.push(item);
    this.write(keepLast ? list.slice(-keepLast) : list);
    return item;
  }

  remove(id: string): void {
    this.write(this.all().filter((x) => x.id !== id));
  }

  write(list: T[]): void {
    this.file.set(this.key, list);
  }
}
