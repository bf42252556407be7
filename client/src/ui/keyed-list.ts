// Keyed rendering of a list pushed by the server: views are created once per key and updated in
// place, so focus, open dialogs, running countdowns and half-filled forms survive every update.

export interface View {
  root: HTMLElement;
}

export interface KeyedListOptions<T, V extends View> {
  key(item: T): string;
  create(item: T): V;
  update(view: V, item: T): void;
  /** Called after the view's root was removed (stop timers, close media...). */
  destroy?(view: V, key: string): void;
}

export class KeyedList<T, V extends View> {
  private readonly views = new Map<string, V>();

  constructor(
    private readonly container: HTMLElement,
    private readonly options: KeyedListOptions<T, V>,
  ) {}

  /** Make the container show exactly `items`, in this order. Returns the keys added and removed. */
  sync(items: readonly T[]): { added: string[]; removed: string[] } {
    const added: string[] = [];
    const keys = items.map((item) => {
      const key = this.options.key(item);
      let view = this.views.get(key);
      if (!view) {
        view = this.options.create(item);
        this.views.set(key, view);
        this.container.append(view.root);
        added.push(key);
      }
      this.options.update(view, item);
      return key;
    });
    const wanted = new Set(keys);
    const removed = [...this.views.keys()].filter((key) => !wanted.has(key));
    for (const key of removed) this.remove(key);
    this.reorder(keys);
    return { added, removed };
  }

  get(key: string): V | undefined {
    return this.views.get(key);
  }

  get size(): number {
    return this.views.size;
  }

  keys(): string[] {
    return [...this.views.keys()];
  }

  remove(key: string): void {
    const view = this.views.get(key);
    if (!view) return;
    this.views.delete(key);
    view.root.remove();
    this.options.destroy?.(view, key);
  }

  clear(): void {
    for (const key of this.keys()) this.remove(key);
  }

  /**
   * Re-append only when the order changed, and never while a dialog inside the list is open:
   * moving a node drops keyboard focus inside it and would take an open modal out of the top layer.
   * The order is fixed on the next update instead.
   */
  private reorder(keys: string[]): void {
    const roots = keys.map((key) => this.views.get(key)?.root).filter((root): root is HTMLElement => root !== undefined);
    const current = [...this.container.children];
    if (current.length === roots.length && current.every((child, i) => child === roots[i])) return;
    if (this.container.querySelector('dialog[open]')) return;
    for (const root of roots) this.container.append(root);
  }
}
