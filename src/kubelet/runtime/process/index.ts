// The process runtime driver: host child processes, no isolation (see process-driver.ts).
export { ProcessDriver, PROCESS_SANDBOX_IP, type ProcessDriverConfig } from './process-driver.js';
