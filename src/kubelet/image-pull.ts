// A container's image, before it is created: present per imagePullPolicy
// (Never, IfNotPresent, Always — the default from the tag), pulled with the
// kubelet's Events (Pulling, Pulled "in …", Failed, ErrImagePull), and after a
// failed pull held in ImagePullBackOff with the per-image back-off.
import type { Container } from '../api/types/pod.js';
import { goDuration } from './backoff.js';
import type { ContainerRecord } from './pod-status.js';
import type { PodContext } from './worker-host.js';

export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const ref = image.split('@')[0];
  const lastSlash = ref.lastIndexOf('/');
  const tagAt = ref.indexOf(':', lastSlash + 1);
  const tag = tagAt < 0 ? '' : ref.slice(tagAt + 1);
  if (image.includes('@')) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export class ImagePuller {
  /** When each container's last pull failed (made on the first failure: most pods never have one). */
  private pullFailedAt?: Map<string, number>;

  constructor(private readonly ctx: PodContext) {}

  /** Whether the image is there to create the container from (false: r.waiting says why, and a wake-up is set). */
  async ensure(r: ContainerRecord, c: Container): Promise<boolean> {
    const { ctx } = this;
    const host = ctx.host;
    const image = c.image ?? '';
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    const present = await host.driver.imagePresent(image);
    if (policy === 'Never') {
      if (present) return true;
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      r.waiting = { reason: 'ErrImageNeverPull', message: msg };
      await ctx.event('Warning', 'ErrImageNeverPull', msg);
      ctx.wakeAt(host.clock.now() + 10_000);
      return false;
    }
    if (present && policy === 'IfNotPresent') {
      await ctx.event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return true;
    }
    const key = `${ctx.uid}/${c.name}`;
    const failedAt = r.waiting && (r.waiting.reason === 'ErrImagePull' || r.waiting.reason === 'ImagePullBackOff') ? this.pullFailedAt?.get(key) : undefined;
    if (failedAt !== undefined && host.pullBackoff.inBackOffSince(key, failedAt)) {
      const msg = `Back-off pulling image "${image}"`;
      r.waiting = { reason: 'ImagePullBackOff', message: msg };
      await ctx.event('Normal', 'BackOff', msg);
      ctx.wakeAt(host.pullBackoff.until(key, failedAt));
      return false;
    }
    await ctx.event('Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = host.clock.now();
    try {
      await host.driver.pullImage(image);
    } catch (e) {
      const now = host.clock.now();
      (this.pullFailedAt ??= new Map()).set(key, now);
      host.pullBackoff.next(key, now);
      const msg = (e as Error).message;
      r.waiting = { reason: 'ErrImagePull', message: msg };
      await ctx.event('Warning', 'Failed', `Failed to pull image "${image}": ${msg}`);
      await ctx.event('Warning', 'Failed', 'Error: ErrImagePull');
      ctx.wakeAt(host.pullBackoff.until(key, now));
      return false;
    }
    this.pullFailedAt?.delete(key);
    const took = goDuration(host.clock.now() - t0);
    await ctx.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: 0 bytes.`);
    return true;
  }
}
