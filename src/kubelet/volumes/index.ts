// Pod volumes on the host: the manager and its atomic file writer.
export { VolumeManager, VolumeError, type VolumeLookups, type VolumeManagerConfig } from './volume-manager.js';
export { writeAtomic, validatePayloadPath, DATA_DIR_NAME, type PayloadFile } from './atomic-writer.js';
