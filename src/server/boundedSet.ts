/** A set that forgets its oldest entries beyond `max` (insertion order; re-adding refreshes). */
export class BoundedSet<T> {
  readonly #items = new Set<T>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get size(): number {
    return this.#items.size;
  }

  has(item: T): boolean {
    return this.#items.has(item);
  }

  add(item: T): void {
    this.#items.delete(item);
    this.#items.add(item);
    while (this.#items.size > this.#max) {
      const oldest = this.#items.values().next().value as T;
      this.#items.delete(oldest);
    }
  }

  delete(item: T): void {
    this.#items.delete(item);
  }
}
