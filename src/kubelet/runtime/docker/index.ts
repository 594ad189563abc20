// The Docker runtime driver and its small helpers.
export { DockerDriver, DEFAULT_NETWORK, DEFAULT_SANDBOX_IMAGE, SANDBOX_SCRIPT, statusFromInspect, type DockerDriverConfig } from './docker-driver.js';
export { dockerError, dockerMessage, isNotFound, isUnreachable } from './errors.js';
export { FrameDecoder, LineSplitter, splitTimestamp } from './frames.js';
export { statsFromDocker } from './stats.js';
