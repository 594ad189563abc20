// The Swagger 2.0 document in the protobuf form client-go asks for
// (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's
// openapi_v2.Document (github.com/google/gnostic-models openapiv2/OpenAPIv2.proto),
// as kube-apiserver produces it with openapi_v2.ParseDocument + proto.Marshal.
// Vendor extensions, `default`, `enum` and `example` values are `Any`
// messages carrying YAML text (JSON is YAML), which is how kube-openapi's
// proto reader (k8s.io/kube-openapi/pkg/util/proto) reads them back.
// Only what a Kubernetes document uses is encoded: info, paths (operations
// with query/path/body parameters, responses, extensions) and definitions.

type Json = Record<string, unknown>;

class Writer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  private varint(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    this.push(Buffer.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  /** A string field; empty strings are proto3 defaults and omitted unless `keepEmpty` (repeated fields). */
  string(field: number, v: unknown, keepEmpty = false): this {
    if (typeof v !== 'string' || (v === '' && !keepEmpty)) return this;
    const b = Buffer.from(v, 'utf8');
    this.tag(field, 2);
    this.varint(BigInt(b.length));
    this.push(b);
    return this;
  }

  strings(field: number, v: unknown): this {
    if (Array.isArray(v)) for (const s of v) this.string(field, s, true);
    return this;
  }

  bool(field: number, v: unknown): this {
    if (v !== true) return this;
    this.tag(field, 0);
    this.varint(1n);
    return this;
  }

  int(field: number, v: unknown): this {
    if (typeof v !== 'number' || !Number.isInteger(v) || v === 0) return this;
    this.tag(field, 0);
    this.varint(BigInt(v));
    return this;
  }

  double(field: number, v: unknown): this {
    if (typeof v !== 'number' || v === 0) return this;
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(field, 1);
    this.push(b);
    return this;
  }

  message(field: number, build: (w: Writer) => void, always = false): this {
    const w = new Writer();
    build(w);
    if (!w.size && !always) return this;
    const b = w.bytes();
    this.tag(field, 2);
    this.varint(BigInt(b.length));
    this.push(b);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** gnostic `Any`: the value as YAML text (field 2). */
const any = (w: Writer, v: unknown) => w.string(2, JSON.stringify(v));

function namedAny(w: Writer, field: number, name: string, v: unknown): void {
  w.message(field, (m) => m.string(1, name).message(2, (a) => any(a, v)));
}

function extensions(w: Writer, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) if (k.startsWith('x-')) namedAny(w, field, k, v);
}

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** openapi_v2.Schema */
function schema(w: Writer, s: Json): void {
  w.string(1, s.$ref).string(2, s.format).string(3, s.title).string(4, s.description);
  if (s.default !== undefined) w.message(5, (a) => any(a, s.default), true);
  w.double(6, s.multipleOf).double(7, s.maximum).bool(8, s.exclusiveMaximum).double(9, s.minimum).bool(10, s.exclusiveMinimum);
  w.int(11, s.maxLength).int(12, s.minLength).string(13, s.pattern).int(14, s.maxItems).int(15, s.minItems).bool(16, s.uniqueItems);
  w.int(17, s.maxProperties).int(18, s.minProperties);
  w.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) w.message(20, (a) => any(a, e), true);
  if (isObj(s.additionalProperties)) {
    const ap = s.additionalProperties;
    w.message(21, (m) => m.message(1, (x) => schema(x, ap), true), true);
  } else if (typeof s.additionalProperties === 'boolean') {
    const b = s.additionalProperties;
    w.message(21, (m) => (b ? m.bool(2, true) : undefined), true);
  }
  if (typeof s.type === 'string') w.message(22, (m) => m.string(1, s.type), true);
  else if (Array.isArray(s.type)) w.message(22, (m) => m.strings(1, s.type), true);
  if (isObj(s.items)) {
    const it = s.items;
    w.message(23, (m) => m.message(1, (x) => schema(x, it), true), true);
  } else if (Array.isArray(s.items)) {
    const list = s.items.filter(isObj);
    w.message(23, (m) => list.forEach((it) => m.message(1, (x) => schema(x, it), true)), true);
  }
  if (Array.isArray(s.allOf)) for (const a of s.allOf.filter(isObj)) w.message(24, (x) => schema(x, a), true);
  if (isObj(s.properties)) {
    const props = s.properties;
    w.message(
      25,
      (m) => {
        for (const [name, p] of Object.entries(props)) if (isObj(p)) m.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, p), true), true);
      },
      true,
    );
  }
  w.string(26, s.discriminator).bool(27, s.readOnly);
  if (s.example !== undefined) w.message(30, (a) => any(a, s.example), true);
  extensions(w, 31, s);
}

/** openapi_v2.ParametersItem (as field `field` of its parent) for one JSON parameter object. */
function parameter(w: Writer, field: number, p: Json): void {
  w.message(
    field,
    (item) =>
      item.message(
        1,
        (param) => {
          if (p.in === 'body') {
            param.message(1, (b) => {
              b.string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required);
              if (isObj(p.schema)) {
                const sc = p.schema;
                b.message(5, (x) => schema(x, sc), true);
              }
              extensions(b, 6, p);
            });
            return;
          }
          // NonBodyParameter: 1 header, 2 formData, 3 query, 4 path; the sub-schemas differ in field numbers.
          const which = p.in === 'path' ? 4 : p.in === 'header' ? 1 : 3;
          param.message(
            2,
            (nb) =>
              nb.message(
                which,
                (q) => {
                  q.bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
                  if (which === 3) q.string(6, p.type).string(7, p.format).bool(20, p.uniqueItems);
                  else q.string(5, p.type).string(6, p.format).bool(19, p.uniqueItems);
                },
                true,
              ),
            true,
          );
        },
        true,
      ),
    true,
  );
}

const METHODS: [string, number][] = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['options', 6],
  ['head', 7],
  ['patch', 8],
];

function operation(w: Writer, o: Json): void {
  w.strings(1, o.tags).string(2, o.summary).string(3, o.description).string(5, o.operationId).strings(6, o.produces).strings(7, o.consumes);
  if (Array.isArray(o.parameters)) for (const p of o.parameters.filter(isObj)) parameter(w, 8, p);
  if (isObj(o.responses)) {
    const responses = o.responses;
    w.message(
      9,
      (rs) => {
        for (const [code, r] of Object.entries(responses)) {
          if (!isObj(r)) continue;
          rs.message(
            1,
            (named) =>
              named.string(1, code).message(
                2,
                (rv) =>
                  rv.message(
                    1,
                    (resp) => {
                      resp.string(1, r.description);
                      if (isObj(r.schema)) {
                        const sc = r.schema;
                        resp.message(2, (si) => si.message(1, (x) => schema(x, sc), true), true);
                      }
                    },
                    true,
                  ),
                true,
              ),
            true,
          );
        }
      },
      true,
    );
  }
  w.bool(11, o.deprecated);
  extensions(w, 13, o);
}

/** Encodes a Swagger 2.0 JSON document as a gnostic openapi_v2.Document. */
export function encodeSwaggerProto(doc: Json): Buffer {
  const w = new Writer();
  w.string(1, doc.swagger);
  if (isObj(doc.info)) {
    const info = doc.info;
    w.message(2, (i) => i.string(1, info.title).string(2, info.version).string(3, info.description));
  }
  const paths = isObj(doc.paths) ? doc.paths : {};
  w.message(
    8,
    (ps) => {
      for (const [path, item] of Object.entries(paths)) {
        if (!isObj(item)) continue;
        ps.message(
          2,
          (named) =>
            named.string(1, path).message(
              2,
              (pi) => {
                for (const [method, field] of METHODS) {
                  const op = item[method];
                  if (isObj(op)) pi.message(field, (x) => operation(x, op), true);
                }
                if (Array.isArray(item.parameters)) for (const p of item.parameters.filter(isObj)) parameter(pi, 9, p);
                extensions(pi, 10, item);
              },
              true,
            ),
          true,
        );
      }
    },
    true,
  );
  const definitions = isObj(doc.definitions) ? doc.definitions : {};
  w.message(
    9,
    (ds) => {
      for (const [name, s] of Object.entries(definitions)) if (isObj(s)) ds.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, s), true), true);
    },
    true,
  );
  return w.bytes();
}
