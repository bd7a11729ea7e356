/**
 * Worker-thread body for workers.ts: builds a ChunkGenerator from the config and table data it is given,
 * then answers each {id, start, count} message with the encoded chunk, transferring the file buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildTables, ChunkGenerator, type TablesData } from './chunk.js';
import { resolveSynthConfig } from './config.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');
const data = workerData as { config: unknown; tables: TablesData };
const config = resolveSynthConfig(data.config);
const gen = new ChunkGenerator(config, buildTables(data.tables));
port.on('message', (msg: { id: number; start: number; count: number }) => {
  const chunk = gen.run(msg.start, msg.count);
  const transfer = Object.values(chunk.files).map((f) => f.bytes.buffer as ArrayBuffer);
  transfer.push(chunk.stats.buffer as ArrayBuffer);
  port.postMessage({ id: msg.id, chunk }, transfer);
});
