export { AckToken } from './ack-token.js';
export { CheckpointStore, CHECKPOINT_NS, type Checkpoint } from './checkpoint-store.js';
export { RuleCheckpointer, isStateful, type CheckpointHooks, type RuleCheckpointerOptions, type StatefulProcessor } from './rule-checkpointer.js';
export { sessionIdFor } from './session-id.js';
