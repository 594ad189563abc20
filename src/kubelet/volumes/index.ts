// Pod volumes on the host: the manager and its atomic file writer.
export { VolumeManager, VolumeError, type VolumeLookups, type VolumeManagerConfig } from './volume-manager.js';
export { placeHostPath, realHostPath, normaliseHostPath, isUnder, type HostPathPolicy, type HostPathDecision, type HostPathPlacement } from './host-path.js';
export { writeAtomic, validatePayloadPath, DATA_DIR_NAME, type PayloadFile } from './atomic-writer.js';
export { TokenManager, type TokenManagerOptions, type TokenRequest, type TokenSource, type IssuedToken } from './token-manager.js';
