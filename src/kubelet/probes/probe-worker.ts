// Periodic probing of one container, the kubelet's prober workers:
//
// ProbeWorker runs one probe (startup, liveness or readiness) on the Clock:
//  - the first attempt at container start + initialDelaySeconds (the kubelet
//    probes on a ticker and skips ticks inside the delay; kubeterm starts the
//    ticker at the end of the delay, so the first probe is not late by up to a period);
//  - then every periodSeconds; a tick while the previous attempt is still in
//    flight is skipped;
//  - the reported result only flips after successThreshold consecutive
//    successes or failureThreshold consecutive failures;
//  - before its first verdict a readiness worker reports failure, liveness
//    success, startup unknown — a container is not ready until a probe says so;
//  - after a liveness/startup failure verdict the worker holds (the container
//    is about to be restarted; a new worker comes with the new container);
//  - a startup worker stops after its first success.
//
// ContainerProber ties the three together with startup gating: liveness and
// readiness probes do not run until the startup probe has succeeded. It calls
// onReady(true/false) when readiness changes and onRestart(kind, output) when
// a liveness or startup verdict says the container must be restarted.
import type { Container, Probe } from '../../api/types/pod.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { ProbeOutcome, ProbeResult } from './run-probe.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** Kubernetes defaults for a probe's timing fields. */
export function probeTiming(p: Probe): { initialDelayMs: number; periodMs: number; timeoutMs: number; successThreshold: number; failureThreshold: number } {
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

export interface ProbeWorkerConfig {
  clock: Clock;
  kind: ProbeKind;
  probe: Probe;
  /** Makes one attempt (runProbe bound to the pod IP and the runtime's exec). */
  prober: (probe: Probe, kind: ProbeKind, timeoutMs: number) => Promise<ProbeResult>;
  /** When the container started (ms since epoch). Default: now. */
  startedAt?: number;
  /** Startup gating: liveness/readiness attempts are skipped while this says false. */
  gate?: () => boolean;
  /** Called when the thresholded result changes (never for the initial value). */
  onChange: (result: ProbeOutcome, output: string) => void;
  /** Called after every attempt (the kubelet records an Unhealthy Event per failed attempt). */
  onAttempt?: (result: ProbeResult) => void;
  /** Overrides the starting verdict (a re-adopted container that was ready stays ready until a probe says otherwise). */
  initial?: ProbeOutcome;
}

export class ProbeWorker {
  readonly kind: ProbeKind;
  private readonly cfg: ProbeWorkerConfig;
  private readonly timing: ReturnType<typeof probeTiming>;
  /** undefined: no verdict yet (a startup probe starts out unknown, as in the kubelet). */
  private current: ProbeOutcome | undefined;
  private lastOutcome?: ProbeOutcome;
  private run = 0;
  private timer?: Timer;
  private inFlight = false;
  private stopped = false;
  private onHold = false;
  /** Number of attempts made (for tests and metrics). */
  attempts = 0;

  constructor(cfg: ProbeWorkerConfig) {
    this.cfg = cfg;
    this.kind = cfg.kind;
    this.timing = probeTiming(cfg.probe);
    this.current = cfg.initial ?? (cfg.kind === 'readiness' ? 'failure' : cfg.kind === 'liveness' ? 'success' : undefined);
  }

  /** The thresholded result; a startup probe without a verdict yet reads as failure (not started). */
  get result(): ProbeOutcome {
    return this.current ?? 'failure';
  }

  start(): void {
    const now = this.cfg.clock.now();
    const first = (this.cfg.startedAt ?? now) + this.timing.initialDelayMs;
    this.schedule(Math.max(0, first - now));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.cfg.clock.setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    if (this.stopped) return;
    this.schedule(this.timing.periodMs);
    if (this.inFlight || this.onHold) return;
    if (this.cfg.gate && !this.cfg.gate()) return;
    this.inFlight = true;
    this.attempts++;
    void this.cfg
      .prober(this.cfg.probe, this.kind, this.timing.timeoutMs)
      .catch((e: Error) => ({ result: 'failure' as const, output: e.message }))
      .then((r) => {
        this.inFlight = false;
        if (this.stopped) return;
        this.cfg.onAttempt?.(r);
        this.record(r);
      });
  }

  private record(r: ProbeResult): void {
    this.run = r.result === this.lastOutcome ? this.run + 1 : 1;
    this.lastOutcome = r.result;
    const threshold = r.result === 'success' ? this.timing.successThreshold : this.timing.failureThreshold;
    if (this.run < threshold) return;
    const changed = r.result !== this.current;
    this.current = r.result;
    if (r.result === 'failure' && this.kind !== 'readiness') {
      // The container is about to be restarted: stop probing this instance.
      this.onHold = true;
      this.run = 0;
    }
    if (r.result === 'success' && this.kind === 'startup') this.stop();
    if (changed || (r.result === 'failure' && this.kind !== 'readiness')) this.cfg.onChange(r.result, r.output);
  }
}

export interface ContainerProberConfig {
  clock: Clock;
  container: Pick<Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'>;
  prober: ProbeWorkerConfig['prober'];
  /** When the container started (ms since epoch). Default: now. */
  startedAt?: number;
  onReady: (ready: boolean, output: string) => void;
  /** A liveness or startup probe failed failureThreshold times: restart the container. */
  onRestart: (kind: 'liveness' | 'startup', output: string) => void;
  /** Every attempt of every probe (for Unhealthy Events: see ./messages.ts). */
  onAttempt?: (kind: ProbeKind, result: ProbeResult) => void;
  /**
   * A container re-adopted after a kubelet restart that was started and ready
   * before: it starts out started and ready (no flap), as the kubelet keeps
   * the status of containers it already knew.
   */
  resume?: boolean;
}

export class ContainerProber {
  private readonly workers: ProbeWorker[] = [];
  private startup?: ProbeWorker;
  private readiness?: ProbeWorker;
  private startedFlag: boolean;
  private readyFlag = false;
  private readonly cfg: ContainerProberConfig;

  constructor(cfg: ContainerProberConfig) {
    this.cfg = cfg;
    const c = cfg.container;
    this.startedFlag = !c.startupProbe || !!cfg.resume;
    const common = (kind: ProbeKind) => ({
      clock: cfg.clock,
      prober: cfg.prober,
      startedAt: cfg.startedAt,
      kind,
      onAttempt: cfg.onAttempt ? (r: ProbeResult) => cfg.onAttempt!(kind, r) : undefined,
    });
    if (c.startupProbe && !cfg.resume) {
      this.startup = new ProbeWorker({
        ...common('startup'),
        probe: c.startupProbe,
        onChange: (r, out) => {
          if (r === 'success') {
            this.startedFlag = true;
            if (!this.readiness) this.setReady(true, out);
          } else cfg.onRestart('startup', out);
        },
      });
      this.workers.push(this.startup);
    }
    const gate = () => this.startedFlag;
    if (c.livenessProbe) {
      this.workers.push(
        new ProbeWorker({ ...common('liveness'), probe: c.livenessProbe, gate, onChange: (r, out) => r === 'failure' && cfg.onRestart('liveness', out) }),
      );
    }
    if (c.readinessProbe) {
      this.readiness = new ProbeWorker({ ...common('readiness'), ...(cfg.resume ? { initial: 'success' as const } : {}), probe: c.readinessProbe, gate, onChange: (r, out) => this.setReady(r === 'success', out) });
      this.workers.push(this.readiness);
    }
  }

  /** The container has passed its startup probe (or has none). */
  get started(): boolean {
    return this.startedFlag;
  }

  get ready(): boolean {
    return this.readyFlag;
  }

  start(): void {
    if (this.cfg.resume && this.readiness) this.readyFlag = true;
    for (const w of this.workers) w.start();
    // No readiness and no startup probe: ready as soon as it runs.
    if (!this.readiness && this.startedFlag) this.setReady(true, '');
  }

  stop(): void {
    for (const w of this.workers) w.stop();
  }

  private setReady(ready: boolean, output: string): void {
    if (ready === this.readyFlag) return;
    this.readyFlag = ready;
    this.cfg.onReady(ready, output);
  }
}
