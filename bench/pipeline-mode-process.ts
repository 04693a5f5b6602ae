import { runPipelineMode, type PipelineModeRequest } from './pipeline-benchmark.js';

/**
 * One mode of the pipeline benchmark in a process of its own, started by runPipelineBenchmark: it
 * runs the mode given as JSON in its one argument and sends the result back over the IPC channel.
 */
const request = JSON.parse(process.argv[2] ?? '{}') as PipelineModeRequest;
const result = await runPipelineMode(request.mode, { ...request.options, ...(request.isVerbose ? { log: (line: string) => console.error(line) } : {}) });
// Exit once the result is sent, whatever handle a library may still hold open.
process.send?.(result, () => process.exit(0));
