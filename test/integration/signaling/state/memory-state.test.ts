import { MemoryBus } from '../../../../signaling/state/memory-bus.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';
import { busContract, storeContract } from './state-contract.ts';

storeContract('memory', async () => ({ store: new MemoryStore(), cleanup: async () => undefined }));
busContract('memory', async () => {
  const bus = new MemoryBus();
  return { buses: [bus, bus], cleanup: async () => undefined };
});
