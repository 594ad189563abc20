// Creating and deleting a controller's pods with the Events `kubectl describe`
// shows for them (kubernetes pkg/controller RealPodControl.CreatePods /
// DeletePod: SuccessfulCreate / FailedCreate, SuccessfulDelete /
// FailedDelete). A pod already gone counts as deleted and records nothing,
// as Kubernetes ignores NotFound there. The StatefulSet controller words its
// Events differently (StatefulPodControl), so the messages are an option.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { EventRecorder } from '../api/events.js';
import type { KubeObject } from '../api/meta.js';

export interface PodControlMessages {
  deleted(pod: KubeObject, owner: KubeObject): string;
  deleteFailed(pod: KubeObject, owner: KubeObject, err: Error): string;
}

/** RealPodControl's wording. */
export const POD_CONTROL_MESSAGES: PodControlMessages = {
  deleted: (pod) => `Deleted pod: ${pod.metadata.name}`,
  deleteFailed: (_pod, _owner, err) => `Error deleting: ${err.message}`,
};

export class PodControl {
  constructor(
    private readonly api: Api,
    private readonly recorder: EventRecorder,
    private readonly messages: PodControlMessages = POD_CONTROL_MESSAGES,
  ) {}

  /** Deletes `pod`, recording the Event on `owner`; false when the pod was already gone. Other errors are recorded and rethrown. */
  async deletePod(owner: KubeObject, pod: KubeObject): Promise<boolean> {
    try {
      await this.api.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return false;
      await this.recorder.event(owner, 'Warning', 'FailedDelete', this.messages.deleteFailed(pod, owner, e as Error));
      throw e;
    }
    await this.recorder.event(owner, 'Normal', 'SuccessfulDelete', this.messages.deleted(pod, owner));
    return true;
  }

  /** Creates `pod` for `owner` with SuccessfulCreate, or records FailedCreate and rethrows. */
  async createPod(owner: KubeObject, pod: KubeObject): Promise<KubeObject> {
    let created: KubeObject;
    try {
      created = await this.api.create(pod);
    } catch (e) {
      await this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
    await this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    return created;
  }
}
