// Decoding Kubernetes protobuf bodies: fixtures captured from kubectl 1.32's
// typed clients (`kubectl create deployment …`, `kubectl create service
// nodeport …`), plus the envelope and error cases.
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, encodeNamespaceForTest } from '../../src/apiserver/protobuf.js';

// kubectl create deployment dx --image=nginx --port=80 --replicas=2
const DEPLOYMENT =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b4010a1d0a02647812001a0022002a003200380042005a090a03617070120264781284010802120b0a090a03617070120264781a6b0a1b0a0012001a0022002a003200380042005a090a0361707012026478124c122e0a056e67696e7812056e67696e782a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200';
// kubectl create service nodeport np --tcp=80:http --node-port=30080
const SERVICE =
  '6b3873000a0d0a027631120753657276696365126a0a1d0a026e7012001a0022002a003200380042005a090a0361707012026e7012450a200a0738302d6874747012035443501850220a080110001a04687474702880eb0112090a0361707012026e701a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200';

describe('protobuf request bodies', () => {
  it('decodes a kubectl Deployment, dropping the empty fields gogo-protobuf always writes', () => {
    const d = decodeProtobufObject(Buffer.from(DEPLOYMENT, 'hex'));
    expect(d).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'dx', labels: { app: 'dx' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'dx' } },
        template: {
          metadata: { labels: { app: 'dx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
    });
  });

  it('decodes a kubectl Service with a named target port and a node port', () => {
    const s = decodeProtobufObject(Buffer.from(SERVICE, 'hex'));
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'np', labels: { app: 'np' } },
      spec: { ports: [{ name: '80-http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 }], selector: { app: 'np' }, type: 'NodePort' },
    });
  });

  it('round-trips a Namespace with labels', () => {
    expect(decodeProtobufObject(encodeNamespaceForTest('team', { a: 'b' }))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', labels: { a: 'b' } },
      spec: {},
    });
  });

  it('refuses bodies without the envelope, truncated bodies, and kinds it cannot read', () => {
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}'))).toThrow('protobuf: body does not start with the k8s\\0 envelope');
    const truncated = Buffer.from(SERVICE, 'hex').subarray(0, 40);
    expect(() => decodeProtobufObject(truncated)).toThrow(/^protobuf: truncated/);
    const ingress = Buffer.from(DEPLOYMENT, 'hex');
    // Rewrite the kind in the typeMeta ("Deployment" → "Ingressxyz", same length).
    ingress.write('Ingressxyz', ingress.indexOf('Deployment'), 'latin1');
    try {
      decodeProtobufObject(ingress);
      expect.unreachable();
    } catch (e) {
      expect((e as { code: number }).code).toBe(415);
      expect((e as Error).message).toContain('the body of Ingressxyz cannot be decoded from application/vnd.kubernetes.protobuf');
    }
  });
});
