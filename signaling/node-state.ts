// What this node is doing now, owned by the process (main.ts, or a test's relay): whether it
// drains (no new incidents) and the public base of the links it hands out once it listens.
export class NodeState {
  /** True once shutdown began: no new incidents are taken. */
  draining = false;

  /** The base of links handed out; set once the HTTP server listens. */
  constructor(public publicUrl: string) {}

  startDraining(): void {
    this.draining = true;
  }
}
